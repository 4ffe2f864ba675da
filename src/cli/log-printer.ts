import type {LogFilter} from '../envelope/log-filter.js'
import type {LogMessage} from '../envelope/types.js'
import type {ByteSink} from '../render/byte-sink.js'
import type {LogRenderer} from '../render/log-message.js'
import type {WindowLane} from './order-window.js'

/**
 * `--max-lines`: how many more messages may be printed, shared by every stream and history read of
 * the run; `onSpent` is told once, right after the last one was rendered.
 */
export class LineBudget {
  constructor(private remaining: number, private readonly onSpent: () => void) {}

  get spent(): boolean {
    return this.remaining === 0
  }

  /** Counts one message printed. */
  take(): void {
    if (this.remaining === 0) return
    if (--this.remaining === 0) this.onSpent()
  }
}

/** Where a stream's and its history's messages go: printed now, or held to be merged with other apps'. */
export interface LinePrinter {
  /** Whether the filters let `log` through (history reads ask this to count what they keep). */
  accepts(log: LogMessage): boolean
  /** Whether nothing more may be printed (--max-lines reached). */
  readonly done: boolean
  /** Takes `log` for the output if the filters accept it and the budget has room; says whether it did. */
  print(log: LogMessage, out: ByteSink): boolean
}

/**
 * What every log message passes on its way to the output: the filters, so a rejected one is never
 * rendered, then the renderer, then the line budget, which counts only what was printed.
 */
export class LogPrinter implements LinePrinter {
  constructor(private readonly render: LogRenderer, private readonly filter?: LogFilter, private readonly budget?: LineBudget) {}

  /** Whether the filters let `log` through (history reads ask this to count what they keep). */
  accepts(log: LogMessage): boolean {
    return this.filter === undefined || this.filter(log)
  }

  /** Whether nothing more may be printed (--max-lines reached). */
  get done(): boolean {
    return this.budget?.spent === true
  }

  /** Renders `log` into `out` if the filters accept it and the budget has room; says whether it did. */
  print(log: LogMessage, out: ByteSink): boolean {
    if (this.done || !this.accepts(log)) return false
    return this.printAccepted(log, out)
  }

  /** Renders a message the filters already let through (it waited in the order window), if the budget has room. */
  printAccepted(log: LogMessage, out: ByteSink): boolean {
    if (this.done) return false
    this.render(log, out)
    this.budget?.take()
    return true
  }
}

// What a held message costs besides its text: the decoded object and the frame it points into.
const HELD_LINE_BYTES = 512

/**
 * An app's printer when several apps are tailed: what the filters let through waits in the app's
 * lane of the window shared by every app, which hands it back to `printAccepted` in its turn.
 */
export class OrderedPrinter implements LinePrinter {
  constructor(private readonly printer: LogPrinter, private readonly lane: WindowLane<LogMessage>) {}

  accepts(log: LogMessage): boolean {
    return this.printer.accepts(log)
  }

  get done(): boolean {
    return this.printer.done
  }

  print(log: LogMessage): boolean {
    if (this.done || !this.accepts(log)) return false
    this.lane.push(log.timestamp ?? 0n, (log.message?.length ?? 0) + HELD_LINE_BYTES, log)
    return true
  }
}
