import {strict as assert} from 'node:assert'
import {mock} from 'node:test'

import {notice, ProgressLine} from '../../../src/cli/notice.js'

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

  it('cuts the line short of the terminal’s last column, read at each update, so that it never wraps', () => {
    const written: string[] = []
    const stderr = {isTTY: true, columns: 20, write: (text: string) => written.push(text) > 0}
    const line = new ProgressLine(stderr)
    line.update('reading: 3 apps, 12 pages')
    stderr.columns = 40
    line.update('reading: 3 apps, 12 pages')
    line.end()
    assert.deepEqual(written, [
      '\rcfws: reading: 3 a…\u001B[K',
      '\rcfws: reading: 3 apps, 12 pages\u001B[K',
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

  it('writes nothing on a terminal that says TERM=dumb, which takes no escape codes', () => {
    const stderr = fakeStderr(true)
    const line = new ProgressLine(stderr, 'dumb')
    line.update('reading: 2 pages')
    line.end()
    assert.deepEqual(stderr.written, [])
  })

  it('clears nothing when nothing was shown', () => {
    const stderr = fakeStderr(true)
    new ProgressLine(stderr).end()
    assert.deepEqual(stderr.written, [])
  })

  it('is cleared before a notice, so that the notice starts a line of its own, and drawn again by the next update', () => {
    const written: string[] = []
    const line = new ProgressLine({isTTY: true, write: (text: string) => written.push(text) > 0})
    const stderrWrite = mock.method(process.stderr, 'write', (text: string) => written.push(text) > 0)
    try {
      line.update('reading: 2 pages')
      notice('+ worker')
      notice('web: reconnecting')
      line.update('reading: 3 pages')
      line.end()
    } finally {
      stderrWrite.mock.restore()
    }

    assert.deepEqual(written, [
      '\rcfws: reading: 2 pages\u001B[K',
      '\r\u001B[K',
      'cfws: + worker\n',
      'cfws: web: reconnecting\n',
      '\rcfws: reading: 3 pages\u001B[K',
      '\r\u001B[K',
    ])
  })
})
