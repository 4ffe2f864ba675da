import {strict as assert} from 'node:assert'

import {LogCacheProgress} from '../../../src/cli/log-cache-progress.js'
import {ProgressLine} from '../../../src/cli/notice.js'

/** A terminal's stderr that records what is written. */
function fakeTerminal(): {isTTY: boolean; written: string[]; write: (text: string) => boolean} {
  const written: string[] = []
  return {isTTY: true, written, write: (text: string) => written.push(text) > 0}
}

const shown = (text: string): string => `\rcfws: ${text}\u001B[K`
const CLEARED = '\r\u001B[K'

describe('LogCacheProgress', () => {
  it('shows one app’s read only from its second page on, as before, and clears it at the end', () => {
    const stderr = fakeTerminal()
    const read = new LogCacheProgress(new ProgressLine(stderr)).begin('web')
    read.onPage(1, 1000)
    assert.deepEqual(stderr.written, [])
    read.onPage(2, 2000)
    read.end()
    assert.deepEqual(stderr.written, [shown('reading from Log Cache: 2 pages, 2000 messages'), CLEARED])
  })

  it('sums the reads of several apps on one line, cleared only when the last one ends', () => {
    const stderr = fakeTerminal()
    const progress = new LogCacheProgress(new ProgressLine(stderr))
    const web = progress.begin('web')
    const worker = progress.begin('worker')
    const api = progress.begin('api')
    web.onPage(1, 1000)
    worker.onPage(1, 500)
    assert.deepEqual([...stderr.written], [], 'every read is on its first page')
    web.onPage(2, 2000)
    api.onPage(1, 1000)
    worker.end()
    web.onPage(3, 2500)
    web.end()
    assert.equal(stderr.written.includes(CLEARED), false, 'api is still reading')
    api.onPage(2, 1500)
    api.end()
    assert.deepEqual(stderr.written, [
      shown('reading from Log Cache: 3 apps, 3 pages, 2500 messages'),
      shown('reading from Log Cache: 3 apps, 4 pages, 3500 messages'),
      shown('reading from Log Cache: 3 apps, 5 pages, 4000 messages'),
      shown('reading from Log Cache: 3 apps, 6 pages, 4500 messages'),
      CLEARED,
    ])
  })

  it('counts afresh once every read ended: the next reads are a line of their own', () => {
    const stderr = fakeTerminal()
    const progress = new LogCacheProgress(new ProgressLine(stderr))
    const first = [progress.begin('web'), progress.begin('worker')]
    for (const read of first) read.onPage(2, 2000)
    for (const read of first) read.end()
    const backfill = progress.begin('web')
    backfill.onPage(2, 1200)
    backfill.end()
    assert.deepEqual(stderr.written, [
      shown('reading from Log Cache: 2 apps, 2 pages, 2000 messages'),
      shown('reading from Log Cache: 2 apps, 4 pages, 4000 messages'),
      CLEARED,
      shown('reading from Log Cache: 2 pages, 1200 messages'),
      CLEARED,
    ])
  })

  it('ignores what a read reports after its end, and a second end', () => {
    const stderr = fakeTerminal()
    const progress = new LogCacheProgress(new ProgressLine(stderr))
    const web = progress.begin('web')
    const worker = progress.begin('worker')
    web.onPage(2, 2000)
    web.end()
    web.end()
    web.onPage(3, 3000)
    worker.onPage(2, 10)
    worker.end()
    assert.deepEqual(stderr.written, [
      shown('reading from Log Cache: 2 apps, 2 pages, 2000 messages'),
      shown('reading from Log Cache: 2 apps, 4 pages, 2010 messages'),
      CLEARED,
    ])
  })

  it('writes nothing when stderr is not a terminal', () => {
    const stderr = {...fakeTerminal(), isTTY: false}
    const progress = new LogCacheProgress(new ProgressLine(stderr))
    const reads = [progress.begin('web'), progress.begin('worker')]
    for (const read of reads) read.onPage(2, 2000)
    for (const read of reads) read.end()
    assert.deepEqual(stderr.written, [])
  })
})
