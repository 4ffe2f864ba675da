import {strict as assert} from 'node:assert'

import {historyProgress, ProgressLine} from '../../../src/cli/notice.js'

function fakeStderr(isTTY: boolean): {isTTY: boolean; written: string[]; write: (text: string) => boolean} {
  const written: string[] = []
  return {isTTY, written, write: (text: string) => written.push(text) > 0}
}

describe('ProgressLine', () => {
  it('rewrites one line in place on a terminal and clears it at the end', () => {
    const stderr = fakeStderr(true)
    const line = new ProgressLine(stderr)
    line.update('reading: 2 pages')
    line.update('reading: 3 pages')
    line.end()
    line.end()
    assert.deepEqual(stderr.written, [
      '\rcfws: reading: 2 pages\u001B[K',
      '\rcfws: reading: 3 pages\u001B[K',
      '\r\u001B[K',
    ])
  })

  it('writes nothing when stderr is not a terminal', () => {
    const stderr = fakeStderr(false)
    const line = new ProgressLine(stderr)
    line.update('reading: 2 pages')
    line.end()
    assert.deepEqual(stderr.written, [])
  })

  it('clears nothing when nothing was shown', () => {
    const stderr = fakeStderr(true)
    new ProgressLine(stderr).end()
    assert.deepEqual(stderr.written, [])
  })
})

describe('historyProgress', () => {
  it('shows a read only from its second page on', () => {
    const stderr = fakeStderr(true)
    const progress = historyProgress(new ProgressLine(stderr))
    progress.onPage(1, 1000)
    assert.deepEqual(stderr.written, [])
    progress.onPage(2, 2000)
    progress.end()
    assert.deepEqual(stderr.written, ['\rcfws: reading from Log Cache: 2 pages, 2000 messages\u001B[K', '\r\u001B[K'])
  })
})
