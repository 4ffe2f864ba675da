import {strict as assert} from 'node:assert'
import {Writable} from 'node:stream'

import {SINK_CAPACITY} from '../../../src/render/byte-sink.js'
import {OutputWriter, type OutputWriterOptions} from '../../../src/render/output-writer.js'

/** A stdout whose reader takes each write only when told to (`takeOne`, `release`). */
class ManualStdout extends Writable {
  readonly received: string[] = []
  private readonly pending: Array<() => void> = []
  private flowing = false

  constructor() {
    super({highWaterMark: 16, decodeStrings: false})
  }

  /** From now on every write is taken at once (the reader caught up). */
  release(): void {
    this.flowing = true
    for (const callback of this.pending.splice(0)) callback()
  }

  /** The reader takes the oldest waiting write. */
  takeOne(): boolean {
    const callback = this.pending.shift()
    callback?.()
    return callback !== undefined
  }

  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.received.push(chunk.toString())
    if (this.flowing) callback()
    else this.pending.push(callback)
  }
}

const tick = async (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

function writerFor(stdout: Writable, options: Partial<OutputWriterOptions> = {}): OutputWriter {
  return new OutputWriter(stdout, {maxBufferedBytes: 1 << 20, onDropped() {}, onClosed() {}, onFailed() {}, ...options})
}

/** Resolves with the gate's next state change. */
async function nextGateChange(writer: OutputWriter): Promise<boolean> {
  return new Promise((resolve) => {
    const off = writer.onChange((paused) => {
      off()
      resolve(paused)
    })
  })
}

/** What a renderer does: write into the sink, then ask for the batch to go out. */
function put(writer: OutputWriter, text: string): void {
  writer.sink.text(text)
  writer.schedule()
}

const line = (i: number): string => `line ${String(i).padStart(6, '0')} ${'x'.repeat(40)}\n`

describe('OutputWriter', () => {
  it('writes what one event-loop turn produced in a single write', async () => {
    const stdout = new ManualStdout()
    stdout.release()
    const writer = writerFor(stdout)
    put(writer, 'a\n')
    put(writer, 'b\n')
    await writer.flush()
    assert.deepEqual(stdout.received, ['a\nb\n'])
  })

  it('closes the gate past the high-water mark and opens it below the low-water mark, dropping nothing', async () => {
    const stdout = new ManualStdout()
    const dropped: number[] = []
    // 64 KiB of budget: a high-water mark of 16 KiB, a low-water mark of 4 KiB.
    const writer = writerFor(stdout, {maxBufferedBytes: 64 * 1024, onDropped: (lines) => dropped.push(lines)})
    const changes: boolean[] = []
    writer.onChange((paused) => changes.push(paused))
    let written = 0
    while (!writer.paused) {
      put(writer, line(written++))
      await tick()
    }

    assert.ok(
      stdout.writableLength >= 16 * 1024 && stdout.writableLength < 17 * 1024,
      `paused at ${stdout.writableLength} bytes`,
    )
    while (writer.paused) assert.ok(stdout.takeOne(), 'the gate opened before stdout took what it held')
    assert.ok(stdout.writableLength <= 4 * 1024)
    stdout.release()
    for (let i = 0; i < 1000; i++) put(writer, line(written++))
    await writer.flush()
    assert.equal(stdout.received.join(''), Array.from({length: written}, (_, i) => line(i)).join(''))
    assert.deepEqual(changes, [true, false])
    assert.deepEqual(dropped, [])
  })

  it('ends the turn past 16 KiB of output while stdout still has a queue, and only then', async () => {
    const stdout = new ManualStdout()
    const writer = writerFor(stdout)
    const changes: boolean[] = []
    writer.onChange((paused) => changes.push(paused))
    // Nothing queued: a long turn costs nothing, libuv wrote all it could.
    put(writer, 'x'.repeat(20 * 1024))
    assert.equal(writer.paused, false)
    await tick()
    assert.ok(stdout.writableLength > 0)
    // Now stdout holds a write: past 16 KiB the socket waits for a turn in which libuv writes it.
    put(writer, 'y'.repeat(15 * 1024))
    assert.equal(writer.paused, false)
    put(writer, 'y'.repeat(2 * 1024))
    assert.equal(writer.paused, true)
    await tick()
    assert.equal(writer.paused, false)
    assert.deepEqual(changes, [true, false])
    stdout.release()
    await writer.flush()
    assert.equal(stdout.received.join(''), `${'x'.repeat(20 * 1024)}${'y'.repeat(17 * 1024)}`)
  })

  it('reports progress to room() waiters only once the gate opens', async () => {
    const stdout = new ManualStdout()
    const writer = writerFor(stdout, {maxBufferedBytes: 64 * 1024})
    put(writer, 'x'.repeat(20 * 1024) + '\n')
    await tick()
    assert.equal(writer.paused, true)
    let roomy = false
    const room = writer.room().then(() => (roomy = true))
    await tick()
    assert.equal(roomy, false)
    stdout.takeOne()
    await room
    assert.equal(roomy, true)
  })

  it('after stdout took nothing for the stall time, opens the gate and drops the oldest queued lines, counted', async () => {
    const stdout = new ManualStdout()
    const dropped: number[] = []
    const writer = writerFor(stdout, {
      maxBufferedBytes: 64 * 1024,
      stallMs: 20,
      onDropped: (lines) => dropped.push(lines),
    })
    const first = 'y'.repeat(20 * 1024) + '\n'
    put(writer, first)
    await tick()
    assert.equal(writer.paused, true)
    assert.equal(await nextGateChange(writer), false)
    // 64 KiB of budget, about 20 KiB of it in stdout's own buffer: the newest ~44 KiB are kept.
    for (let i = 0; i < 2000; i++) {
      put(writer, line(i))
      await tick()
    }

    assert.ok(writer.waitingBytes <= 64 * 1024, `${writer.waitingBytes} bytes wait`)
    stdout.release()
    await writer.flush()
    const kept = stdout.received.slice(1).join('').split('\n').filter(Boolean)
    assert.equal(stdout.received[0], first)
    assert.equal(kept.at(-1), line(1999).trimEnd())
    assert.deepEqual(dropped, [2000 - kept.length])
    // The kept lines are the newest, in order, with nothing missing between them.
    const firstKept = Number(/line (\d+)/.exec(kept[0])![1])
    assert.deepEqual(
      kept,
      Array.from({length: 2000 - firstKept}, (_, i) => line(firstKept + i).trimEnd()),
    )
  })

  it('goes back to pausing once a stalled stdout takes data again', async () => {
    const stdout = new ManualStdout()
    const writer = writerFor(stdout, {maxBufferedBytes: 64 * 1024, stallMs: 20})
    put(writer, 'z'.repeat(20 * 1024) + '\n')
    await tick()
    assert.equal(await nextGateChange(writer), false)
    put(writer, 'w'.repeat(30 * 1024) + '\n')
    await tick()
    assert.equal(writer.paused, false)
    // The reader takes the first write: the queued line goes to stdout, and the gate closes on it.
    stdout.takeOne()
    assert.equal(writer.paused, true)
    assert.equal(stdout.received.length, 2)
  })

  it('never drops with an infinite stall time, however long stdout waits', async () => {
    const stdout = new ManualStdout()
    const writer = writerFor(stdout, {maxBufferedBytes: Number.POSITIVE_INFINITY, stallMs: Number.POSITIVE_INFINITY})
    put(writer, 'v'.repeat(2 * 1024 * 1024) + '\n')
    await tick()
    assert.equal(writer.paused, true)
    await new Promise((resolve) => setTimeout(resolve, 30))
    assert.equal(writer.paused, true)
  })

  it('hands a sink that passes the spill size to stdout within the turn, before its buffer must grow', async () => {
    const stdout = new ManualStdout()
    stdout.release()
    const writer = writerFor(stdout)
    let largestBuffer = 0
    for (let i = 0; i < 3000; i++) {
      writer.sink.text(line(i))
      writer.sink.checkpoint()
      largestBuffer = Math.max(largestBuffer, writer.sink.buf.length)
    }

    assert.ok(stdout.received.length >= 2, 'nothing was handed over before the turn ended')
    assert.ok(writer.sink.pos < SINK_CAPACITY)
    assert.equal(largestBuffer, SINK_CAPACITY)
    await writer.flush()
    assert.equal(stdout.received.join(''), Array.from({length: 3000}, (_, i) => line(i)).join(''))
  })

  it('stops waiting for a blocked stdout when the flush is aborted', async () => {
    const stdout = new ManualStdout()
    const writer = writerFor(stdout)
    put(writer, 'held\n')
    const limit = new AbortController()
    const flushed = writer.flush(limit.signal)
    limit.abort()
    await flushed
    assert.equal(writer.waitingBytes, 5)
  })

  it('tells the caller once when the reader closed the pipe, then ignores writes', async () => {
    const stdout = new ManualStdout()
    let closed = 0
    const failed: unknown[] = []
    const writer = writerFor(stdout, {onClosed: () => closed++, onFailed: (error) => failed.push(error)})
    put(writer, 'a\n')
    stdout.emit('error', Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}))
    stdout.emit('error', Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}))
    put(writer, 'b\n')
    await writer.flush()
    assert.equal(closed, 1)
    assert.deepEqual(failed, [])
    assert.equal(writer.closed, true)
  })

  it('turns any other stdout failure into one STDOUT_FAILED error', async () => {
    const stdout = new ManualStdout()
    const failed: Array<{code: string; message: string}> = []
    const writer = writerFor(stdout, {
      onClosed: () => assert.fail('not a closed pipe'),
      onFailed: (error) => failed.push(error),
    })
    stdout.emit('error', Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'}))
    stdout.emit('error', Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'}))
    await writer.flush()
    assert.deepEqual(
      failed.map(({code, message}) => ({code, message})),
      [{code: 'STDOUT_FAILED', message: 'Cannot write to stdout (ENOSPC): stopped'}],
    )
  })
  it("waits in flush for a write that is done at once but fails a tick later, as a file's or /dev/full's does", async () => {
    // Node's stdout on a file: the write returns with nothing queued, its error comes after.
    const stdout = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'}))
      },
    })
    const failed: Array<{code: string}> = []
    const writer = writerFor(stdout, {onFailed: (error) => failed.push(error)})
    // Written from a promise's continuation, as a run ends: Node runs the error's tick only after
    // every continuation then due, the one after the flush included.
    await tick()
    writer.sink.text('a\n')
    await writer.flush()
    assert.deepEqual(
      failed.map(({code}) => code),
      ['STDOUT_FAILED'],
    )
  })
})
