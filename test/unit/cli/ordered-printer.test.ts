import {strict as assert} from 'node:assert'
import {Writable} from 'node:stream'

import {LineBudget, LogPrinter} from '../../../src/cli/log-printer.js'
import {OrderWindow} from '../../../src/cli/order-window.js'
import {OrderedPrinter} from '../../../src/cli/ordered-printer.js'
import type {LogMessage} from '../../../src/envelope/types.js'
import {ByteSink, SINK_CAPACITY} from '../../../src/render/byte-sink.js'
import type {LogRenderer} from '../../../src/render/log-message.js'
import {OutputWriter} from '../../../src/render/output-writer.js'
import {ManualClock} from '../../helpers/manual-clock.js'

const S = 1_000_000_000n
const log = (second: number, text: string): LogMessage => ({
  timestamp: BigInt(second) * S,
  message: Buffer.from(text),
  messageType: 1,
  sourceType: 'APP/PROC/WEB',
  sourceInstance: '0',
})

/** Two apps' printers over one window of 300 ms, rendering `APP TEXT` lines into one output. */
function harness(budget?: LineBudget) {
  const clock = new ManualClock()
  const output = {sink: new ByteSink()}
  const window = new OrderWindow({windowMs: 300, maxHeldBytes: 1024 * 1024, clock, onReleased() {}})
  const renderer =
    (app: string): LogRenderer =>
    (message, out) => {
      out.ascii(`${app} ${message.message!.toString()}\n`)
      out.checkpoint()
    }

  const printers = Object.fromEntries(
    ['web', 'worker'].map((app) => [
      app,
      new OrderedPrinter(
        new LogPrinter(renderer(app), (message) => !Buffer.from(message.message!).toString().includes('noise'), budget),
        window,
        output,
      ),
    ]),
  )
  const printed = (): string[] => output.sink.buf.toString('utf8', 0, output.sink.pos).split('\n').slice(0, -1)
  return {clock, window, printers, printed, output}
}

describe('OrderedPrinter', () => {
  it('holds each app’s rendered lines in the window and prints them merged by timestamp', () => {
    const {clock, printers, printed} = harness()
    assert.equal(printers.web.print(log(2, 'b')), true)
    assert.equal(printers.worker.print(log(1, 'a')), true)
    assert.equal(printers.worker.print(log(3, 'c')), true)
    assert.deepEqual(printed(), [])
    clock.advance(300)
    assert.deepEqual(printed(), ['worker a', 'web b', 'worker c'])
  })

  it('leaves out what the filters reject, before it is rendered', () => {
    const {window, printers, printed} = harness()
    assert.equal(printers.web.print(log(1, 'noise')), false)
    assert.equal(window.size, 0)
    printers.web.print(log(2, 'kept'))
    window.flush()
    assert.deepEqual(printed(), ['web kept'])
  })

  it('counts a line for --max-lines when it is printed, and drops the held ones past it', () => {
    let spent = 0
    const budget = new LineBudget(2, () => spent++)
    const {window, printers, printed} = harness(budget)
    printers.web.print(log(3, 'third'))
    printers.worker.print(log(1, 'first'))
    printers.worker.print(log(2, 'second'))
    assert.equal(spent, 0, 'nothing printed yet')
    window.flush()
    assert.deepEqual(printed(), ['worker first', 'worker second'])
    assert.equal(spent, 1)
    assert.equal(printers.web.print(log(4, 'later')), false)
  })

  it('reuses its held bytes as they are printed, over a long run that never empties', () => {
    const {clock, window, printers, printed} = harness()
    const text = 'x'.repeat(200)
    let expected = 0
    // A steady stream: the window always holds the last 300 ms, so web's lane never empties.
    for (let i = 0; i < 5000; i++) {
      printers.web.print(log(i, `${i} ${text}`))
      clock.advance(1)
      expected++
    }

    window.flush()
    const lines = printed()
    assert.equal(lines.length, expected)
    assert.deepEqual(lines.slice(0, 2), [`web 0 ${text}`, `web 1 ${text}`])
    assert.equal(lines.at(-1), `web 4999 ${text}`)
    assert.ok(lines.every((line, i) => line === `web ${i} ${text}`))
  })

  it('hands the output over before a run would make its buffer grow, when one app’s lines come in a row', async () => {
    const chunkBuffers: number[] = []
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunkBuffers.push(chunk.buffer.byteLength)
        done()
      },
    })
    const writer = new OutputWriter(stdout, {maxBufferedBytes: 4 << 20, onDropped() {}, onClosed() {}, onFailed() {}})
    const clock = new ManualClock()
    const window = new OrderWindow({
      windowMs: 300,
      maxHeldBytes: 256 * 1024,
      clock,
      onReleased: () => writer.schedule(),
    })
    const renderer: LogRenderer = (message, out) => {
      out.ascii(`${message.message!.toString()}\n`)
      out.checkpoint()
    }
    const busy = new OrderedPrinter(new LogPrinter(renderer), window, writer)
    // A second app that stays quiet: the window has two lanes, and the busy one's lines go out in runs.
    new OrderedPrinter(new LogPrinter(renderer), window, writer)
    const text = 'x'.repeat(200)
    let largestBuffer = 0
    for (let i = 0; i < 20_000; i++) {
      busy.print(log(i, `${i} ${text}`))
      largestBuffer = Math.max(largestBuffer, writer.sink.buf.length)
    }

    window.flush()
    await writer.flush()
    assert.equal(largestBuffer, SINK_CAPACITY)
    assert.ok(chunkBuffers.length > 50, `${chunkBuffers.length} chunks`)
    assert.ok(
      chunkBuffers.every((bytes) => bytes <= SINK_CAPACITY),
      `chunks in buffers of ${[...new Set(chunkBuffers)].join(', ')} bytes`,
    )
  })

  it('copies a run of one app’s released lines out in pieces the output can hand over', () => {
    const {window, printers, output, printed} = harness()
    const pieces: string[] = []
    output.sink.spillAtBytes = 1000
    output.sink.onSpill = () => pieces.push(output.sink.take().toString())
    const text = 'x'.repeat(200)
    for (let i = 0; i < 400; i++) printers.web.print(log(i, `${i} ${text}`))
    window.flush()
    pieces.push(...printed().map((line) => `${line}\n`))
    const lines = pieces.join('').split('\n').slice(0, -1)
    assert.deepEqual(
      lines,
      Array.from({length: 400}, (_, i) => `web ${i} ${text}`),
    )
    assert.ok(pieces.length >= 4, `${pieces.length} pieces`)
    assert.ok(
      pieces.every((piece) => piece.length <= 16 * 1024 + 210),
      'a piece longer than a run',
    )
  })
})
