import type {LogFilter} from '../envelope/log-filter.js'
import type {LogMessage} from '../envelope/types.js'
import type {ByteSink} from '../render/byte-sink.js'
import type {LogRenderer} from '../render/log-message.js'

/**
 * `--max-lines`: how many more messages may be printed, shared by every stream and history read of
 * the run; `onSpent` is told once, right after the last one was rendered.
 */
export class LineBudget {
  constructor(
    private remaining: number,
    private readonly onSpent: () => void,
  ) {}

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
  /** Whether any filter is set: a history read then asks for whole pages, few of which may count. */
  readonly filtering: boolean
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
  constructor(
    private readonly render: LogRenderer,
    private readonly filter?: LogFilter,
    private readonly budget?: LineBudget,
  ) {}

  /** Whether the filters let `log` through (history reads ask this to count what they keep). */
  accepts(log: LogMessage): boolean {
    return this.filter === undefined || this.filter(log)
  }

  get filtering(): boolean {
    return this.filter !== undefined
  }

  /** Whether nothing more may be printed (--max-lines reached). */
  get done(): boolean {
    return this.budget?.spent === true
  }

  /** Renders `log` into `out` if the filters accept it and the budget has room; says whether it did. */
  print(log: LogMessage, out: ByteSink): boolean {
    if (this.done || !this.accepts(log)) return false
    this.render(log, out)
    this.budget?.take()
    return true
  }

  /** Renders a message the filters let through without counting it: it counts once printed (`countPrinted`). */
  renderUncounted(log: LogMessage, out: ByteSink): void {
    this.render(log, out)
  }

  /** Counts one message printed, that `renderUncounted` rendered. */
  countPrinted(): void {
    this.budget?.take()
  }
}
