import {strict as assert} from 'node:assert'
import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const FIXTURE = fileURLToPath(new URL('../../fixtures/writer-retained.ts', import.meta.url))
const MiB = 1024 * 1024

async function retained(
  mode: 'flood' | 'trickle',
  totalBytes: number,
  bufferBytes: number,
): Promise<{retainedBytes: number; waitingBytes: number}> {
  const {stdout} = await promisify(execFile)(process.execPath, [
    '--expose-gc',
    '--import=tsx',
    FIXTURE,
    mode,
    String(totalBytes),
    String(bufferBytes),
  ])
  return JSON.parse(stdout) as {retainedBytes: number; waitingBytes: number}
}

describe('OutputWriter memory (measured after a GC, in a process of its own)', function () {
  this.timeout(60_000)

  it('holds about --buffer-size behind a stalled stdout, whatever streams past', async () => {
    const {retainedBytes, waitingBytes} = await retained('flood', 200 * MiB, MiB)
    assert.ok(waitingBytes <= MiB, `${waitingBytes} bytes wait`)
    // The queue's ring, the sink and its spare: nothing grows with what went by.
    assert.ok(retainedBytes < 2.5 * MiB, `${(retainedBytes / MiB).toFixed(1)} MiB retained`)
  })

  it('does not pin a sink buffer per short write while stdout is slow', async () => {
    // 1,000 writes of one line each wait in stdout's buffer, below the high-water mark.
    const {retainedBytes, waitingBytes} = await retained('trickle', 151 * 1000, 16 * MiB)
    assert.equal(waitingBytes, 151 * 1000)
    assert.ok(retainedBytes < 1 * MiB, `${(retainedBytes / MiB).toFixed(1)} MiB retained`)
  })
})
