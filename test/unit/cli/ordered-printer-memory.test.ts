import {strict as assert} from 'node:assert'
import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const FIXTURE = fileURLToPath(new URL('../../fixtures/ordered-retained.ts', import.meta.url))
const MiB = 1024 * 1024

describe('OrderedPrinter memory (measured after a GC, in a process of its own)', function () {
  this.timeout(60_000)

  it('gives back the room an app’s history took once it is printed', async () => {
    const {stdout} = await promisify(execFile)(process.execPath, [
      '--expose-gc',
      '--import=tsx',
      FIXTURE,
      String(4 * MiB),
    ])
    const {retainedBytes, held} = JSON.parse(stdout) as {retainedBytes: number; held: number}
    assert.equal(held, 0)
    // 4 MiB of history grew the first app's lane to 8 MiB, which it kept for the rest of the run
    // before lanes shrank back once their burst was printed.
    assert.ok(retainedBytes < MiB, `${(retainedBytes / MiB).toFixed(1)} MiB retained`)
  })
})
