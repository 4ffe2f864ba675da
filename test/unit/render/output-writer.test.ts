import {strict as assert} from 'node:assert'
import {Writable} from 'node:stream'

import {OutputWriter} from '../../../src/render/output-writer.js'

/** A stdout whose reader takes nothing until `release()` (a paused `less`). */
class StalledStdout extends Writable {
  readonly received: string[] = []
  private pending: Array<() => void> = []
  private stalled = true

  constructor() {
    super({highWaterMark: 16, decodeStrings: false})
  }

  release(): void {
    this.stalled = false
    for (const callback of this.pending.splice(0)) callback()
  }

  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.received.push(chunk.toString())
    if (this.stalled) this.pending.push(callback)
    else callback()
  }
}

const tick = async (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('OutputWriter', () => {
  it('writes what one event-loop turn produced in a single write', async () => {
    const stdout = new StalledStdout()
    stdout.release()
    const writer = new OutputWriter(stdout, {maxBufferedBytes: 1024, onDropped() {}, onClosed() {}})
    writer.write('a\n')
    writer.write('b\n')
    await writer.flush()
    assert.deepEqual(stdout.received, ['a\nb\n'])
  })

  it('keeps output in a bounded queue while stdout is stalled, drops the oldest, and reports the count', async () => {
    const stdout = new StalledStdout()
    const dropped: number[] = []
    const writer = new OutputWriter(stdout, {maxBufferedBytes: 8, onDropped: (lines) => dropped.push(lines), onClosed() {}})
    writer.write('first line that fills the pipe\n')
    await tick()
    for (const text of ['1\n', '2\n2\n', '3\n', '4\n', '5\n']) {
      writer.write(text)
      await tick()
    }

    stdout.release()
    await writer.flush()
    assert.deepEqual(stdout.received, ['first line that fills the pipe\n', '3\n', '4\n', '5\n'])
    assert.deepEqual(dropped, [3])
  })

  it('keeps the newest whole lines of one batch larger than the bound', async () => {
    const stdout = new StalledStdout()
    const dropped: number[] = []
    const writer = new OutputWriter(stdout, {maxBufferedBytes: 7, onDropped: (lines) => dropped.push(lines), onClosed() {}})
    writer.write('fills the pipe buffer\n')
    await tick()
    writer.write('aa\nbb\ncc\ndd\n')
    await tick()
    stdout.release()
    await writer.flush()
    assert.deepEqual(stdout.received, ['fills the pipe buffer\n', 'cc\ndd\n'])
    assert.deepEqual(dropped, [2])
  })

  it('tells the caller once when the reader closed the pipe, then ignores writes', async () => {
    const stdout = new StalledStdout()
    let closed = 0
    const writer = new OutputWriter(stdout, {maxBufferedBytes: 8, onDropped() {}, onClosed: () => closed++})
    writer.write('a\n')
    stdout.emit('error', Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}))
    stdout.emit('error', Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}))
    writer.write('b\n')
    await writer.flush()
    assert.equal(closed, 1)
    assert.equal(writer.closed, true)
  })
})
