import {takesEscapeCodes} from '../render/color.js'
import {visibleControls} from '../render/visible-controls.js'
import {redactSecrets} from '../trace.js'

// Enough for any message of cfws's own and the start of a server's answer; a 1 MB error page is not one line.
const MAX_LINE_CHARS = 500

/**
 * `text` as one safe line for stderr, the boundary every `cfws:` and `hint:` line passes: secrets
 * hidden, cut to a sane length, control characters and line breaks escaped (README "Control
 * characters"). A server's body, close reason or header inside a message can then neither forge a
 * `cfws:` line nor drive the terminal.
 */
export function operatorLine(text: string): string {
  const redacted = redactSecrets(text)
  const cut =
    redacted.length > MAX_LINE_CHARS
      ? `${redacted.slice(0, MAX_LINE_CHARS)}… (${redacted.length - MAX_LINE_CHARS} more characters)`
      : redacted
  return visibleControls(cut)
}

/** One line for the operator on stderr, never on stdout (STYLE.md "Streams and output"). */
export function notice(text: string): void {
  writeStderrLines(`cfws: ${operatorLine(text)}\n`)
}

// Clears the progress line on the terminal now, if any. Not on the hot path: notices and pages are rare.
let clearShownProgress: (() => void) | undefined

/**
 * Whole lines for stderr (notices, a failure's report). A progress line on the terminal is cleared
 * first, or the lines would be written onto its end; its next update draws it again below them.
 */
export function writeStderrLines(text: string): void {
  clearShownProgress?.()
  process.stderr.write(text)
}

/**
 * For the stdout writer when stdout is the terminal stderr is: the progress line is cleared before
 * log lines are written, as before a notice; undefined when they are not both terminals, as a
 * progress line then has a row of its own.
 */
export function clearProgressBeforeStdout(
  stdout: Pick<NodeJS.WriteStream, 'isTTY'> = process.stdout,
  stderr: Pick<NodeJS.WriteStream, 'isTTY'> = process.stderr,
): (() => void) | undefined {
  return stdout.isTTY && stderr.isTTY ? () => clearShownProgress?.() : undefined
}

let quiet = false

/** `--quiet`: from now on `info` says nothing. Warnings of lost lines and errors still show. */
export function silenceInfo(): void {
  quiet = true
}

/**
 * A line rewritten in place on a terminal's stderr (a long history read's pages), cleared at the
 * end so what follows starts on a clean line. Nothing when stderr is not a terminal (a log file
 * would fill with carriage returns), on TERM=dumb, or with --quiet.
 */
export class ProgressLine {
  private shown = false
  private readonly clear = (): void => this.end()

  /**
   * `term`: the terminal's TERM (the environment's, for the process's own stderr); `dumb` takes no
   * escape codes, so it gets no progress line either.
   */
  constructor(
    private readonly stderr: ProgressTerminal = process.stderr,
    private readonly term = stderr === process.stderr ? process.env.TERM : undefined,
  ) {}

  update(text: string): void {
    if (quiet || !this.stderr.isTTY || !takesEscapeCodes(this.term)) return
    this.stderr.write(`\r${fitted(`cfws: ${operatorLine(text)}`, this.stderr.columns)}\u001B[K`)
    this.shown = true
    clearShownProgress = this.clear
  }

  end(): void {
    if (this.shown) this.stderr.write('\r\u001B[K')
    this.shown = false
    if (clearShownProgress === this.clear) clearShownProgress = undefined
  }
}

/** What a progress line needs of stderr; `columns` is the terminal's width, read at each update (it may be resized). */
export interface ProgressTerminal {
  readonly isTTY?: boolean
  readonly columns?: number
  write(text: string): boolean
}

/**
 * A line that fits the terminal's width, short of its last column: a line that wraps is no longer
 * rewritten by a carriage return, and each update would leave a line behind (a 40-column window).
 */
function fitted(line: string, columns: number | undefined): string {
  if (!columns || line.length < columns) return line
  return columns < 2 ? '' : `${line.slice(0, columns - 2)}…`
}

/** `text` said of one app when several share the output (`web: reconnecting…`), as it is when they do not. */
export function labelled(label: string | undefined, text: string): string {
  return label === undefined ? text : `${label}: ${text}`
}

/** A notice of what is going on (the start, a reconnect, a backfill's count), which --quiet silences. */
export function info(text: string): void {
  if (!quiet) notice(text)
}

let heldUntilWorkStarts: string | undefined

/**
 * An `info` held until the command has checked its command line and starts its work (`startWork`):
 * a run that ends on a usage error says that alone. The demo's notice of where it listens.
 */
export function infoOnceWorkStarts(text: string): void {
  heldUntilWorkStarts = text
}

/** The command has checked its command line (and read --quiet): what waited for this is said now. */
export function startWork(): void {
  const held = heldUntilWorkStarts
  heldUntilWorkStarts = undefined
  if (held !== undefined) info(held)
}
