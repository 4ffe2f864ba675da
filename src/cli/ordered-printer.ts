import type {LogMessage} from '../envelope/types.js'
import {ByteSink} from '../render/byte-sink.js'
import type {LinePrinter, LogPrinter} from './log-printer.js'
import type {OrderWindow, WindowLane} from './order-window.js'

// What a held message costs besides its bytes: its entry in the window.
const ENTRY_BYTES = 64
// The held bytes already printed are cut off once past this, when they are most of the buffer.
const COMPACT_AFTER_BYTES = 64 * 1024
const HELD_CAPACITY = 16 * 1024

/**
 * An app's printer when several apps are tailed: a message the filters let through is rendered at
 * once, while its frame is at hand, into bytes that wait in the app's lane of the window shared by
 * every app; in its turn they are copied to the output and counted for --max-lines (past it, they
 * are dropped). The window holds bytes, so no decoded message outlives its frame's turn.
 */
export class OrderedPrinter implements LinePrinter {
  private readonly held = new ByteSink(HELD_CAPACITY)
  private readonly lane: WindowLane<number>
  // Held output is counted from the run's start: `base` is where `held.buf` starts in that count.
  private base = 0
  private printedUntil = 0

  constructor(
    private readonly printer: LogPrinter,
    window: OrderWindow,
    private readonly output: {readonly sink: ByteSink},
  ) {
    this.lane = window.lane((end: number) => this.release(end))
  }

  accepts(log: LogMessage): boolean {
    return this.printer.accepts(log)
  }

  get filtering(): boolean {
    return this.printer.filtering
  }

  get done(): boolean {
    return this.printer.done
  }

  print(log: LogMessage): boolean {
    if (this.done || !this.accepts(log)) return false
    const start = this.held.pos
    this.printer.renderUncounted(log, this.held)
    this.lane.push(log.timestamp ?? 0n, this.held.pos - start + ENTRY_BYTES, this.base + this.held.pos)
    return true
  }

  /** The lane's next message is due: its bytes, up to `end`, go to the output. */
  private release(end: number): void {
    const {held} = this
    if (!this.printer.done) {
      this.output.sink.copy(held.buf, this.printedUntil - this.base, end - this.base)
      this.output.sink.checkpoint()
      this.printer.countPrinted()
    }

    this.printedUntil = end
    const printed = end - this.base
    if (printed === held.pos) {
      this.base = end
      held.pos = 0
    } else if (printed >= COMPACT_AFTER_BYTES && printed * 2 >= held.pos) {
      held.buf.copy(held.buf, 0, printed, held.pos)
      held.pos -= printed
      this.base = end
    }
  }
}
