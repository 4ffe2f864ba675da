import type {LogMessage} from '../envelope/types.js'
import {ByteSink} from '../render/byte-sink.js'
import type {LinePrinter, LogPrinter} from './log-printer.js'
import type {OrderWindow, WindowLane} from './order-window.js'

// What a held message costs besides its bytes: its entry in the window.
const ENTRY_BYTES = 64
// The held bytes already printed are cut off once past this, when they are most of the buffer.
const COMPACT_AFTER_BYTES = 64 * 1024
const HELD_CAPACITY = 16 * 1024
// A lane that grew past this held a burst (the apps' history, merged whole, or a very long
// message): it shrinks back once most of that is printed. Live lines need less: the window holds
// at most 256 KiB of every lane together.
const KEEP_HELD_BYTES = 512 * 1024
// A run of one app's lines released in a row is copied out once it holds this much.
const RUN_BYTES = 16 * 1024

/**
 * An app's printer when several apps are tailed: a message the filters let through is rendered at
 * once, while its frame is at hand, into bytes that wait in the app's lane of the window shared by
 * every app; in its turn each is counted for --max-lines (past it, dropped), and the lines the
 * window releases in a row from this app go to the output in one copy. The window holds bytes, so
 * no decoded message outlives its frame's turn.
 */
export class OrderedPrinter implements LinePrinter {
  private readonly held = new ByteSink(HELD_CAPACITY)
  private readonly lane: WindowLane<number>
  // Held output is counted from the run's start: `base` is where `held.buf` starts in that count.
  private base = 0
  // Released lines end at `releasedUntil`; those up to `copyUntil` are printed, and those from
  // `copiedUntil` to there are still to be copied to the output.
  private copiedUntil = 0
  private copyUntil = 0
  private releasedUntil = 0

  constructor(
    private readonly printer: LogPrinter,
    window: OrderWindow,
    private readonly output: {readonly sink: ByteSink},
  ) {
    this.lane = window.lane(
      (end: number) => this.release(end),
      () => this.copyReleased(),
    )
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
    this.lane.push(orderOf(log), this.held.pos - start + ENTRY_BYTES, this.base + this.held.pos)
    return true
  }

  /** The lane's next message is due: it ends at `end`. */
  private release(end: number): void {
    if (!this.printer.done) {
      this.copyUntil = end
      this.printer.countPrinted()
    }

    this.releasedUntil = end
    // A long run goes out in pieces, as the output's own lines do.
    if (this.copyUntil - this.copiedUntil >= RUN_BYTES) this.copyReleased()
  }

  /** What was released goes to the output, and the held bytes before it are free again. */
  private copyReleased(): void {
    const {held} = this
    if (this.copyUntil > this.copiedUntil) {
      const {sink} = this.output
      // A run is longer than the room a spill leaves: checked after the copy only, it would make
      // the output's buffer grow whenever one app's lines come in a row.
      sink.spillUnlessRoomFor(this.copyUntil - this.copiedUntil)
      sink.copy(held.buf, this.copiedUntil - this.base, this.copyUntil - this.base)
      sink.checkpoint()
    }

    const end = this.releasedUntil
    this.copiedUntil = end
    this.copyUntil = end
    const released = end - this.base
    if (released === held.pos || (released >= COMPACT_AFTER_BYTES && released * 2 >= held.pos)) {
      held.discardFirst(released, KEEP_HELD_BYTES)
      this.base = end
    }
  }
}

function orderOf(log: LogMessage): number {
  return log.timestampOrder ?? Number(log.timestamp ?? 0n)
}
