import {strict as assert} from 'node:assert'
import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const FIXTURE = fileURLToPath(new URL('../../fixtures/app-starts-retained.ts', import.meta.url))

describe('tailApps memory (measured after a GC, in a process of its own)', function () {
  this.timeout(60_000)

  it('keeps nothing of an app whose stream ended, however many come and go', async () => {
    const {stdout} = await promisify(execFile)(process.execPath, ['--expose-gc', '--import=tsx', FIXTURE, '300000'])
    const {bytesPerStart} = JSON.parse(stdout) as {bytesPerStart: number}
    // Each app's signal made with AbortSignal.any left 55-90 bytes in the run's signal on Node 20, 125 on 22.
    assert.ok(bytesPerStart < 16, `${bytesPerStart.toFixed(1)} bytes retained per app started`)
  })
})
