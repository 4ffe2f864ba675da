import {LogMessageDecoder} from '../envelope/decode.js'
import {logKey} from '../envelope/log-key.js'
import type {LogMessage} from '../envelope/types.js'
import {messageOf} from '../errors.js'
import {readRecentLogs} from '../logcache/read-logs.js'
import type {ByteSink} from '../render/byte-sink.js'
import type {LinePrinter} from './log-printer.js'
import type {LogCacheProgress} from './log-cache-progress.js'
import {info, labelled, notice} from './notice.js'
import {findLogCache, type Session} from './session.js'

// Enough for minutes of a busy app; a longer gap is reported by the count, not hidden.
const MAX_BACKFILL_MESSAGES = 10_000
// Keys of lines printed with the newest timestamp: past this many, a backfill may print such a
// line twice rather than memory grow.
const MAX_KEYS_AT_NEWEST = 4096
// How far out of timestamp order the stream may bring an app's lines: those of its instances and
// of the router come through different agents and Dopplers, stamped by different machines' clocks.
// The copies of backfilled lines are looked for until a live line is newer than the newest
// backfilled one by more than this: stopping at the first newer line printed a copy that came
// after another instance's newer line twice.
const OUT_OF_ORDER_NS = 5_000_000_000n
// A read from Log Cache that takes longer says so: the live lines wait for it, and a quiet screen
// would look like a hang (an unanswered read holds them until the HTTP deadline, 30 s).
const SLOW_READ_MS = 5000

/** What history to print before the live lines: the newest `maxMessages`, from `startTimeNs` on. */
export interface HistoryQuery {
  maxMessages: number
  startTimeNs?: bigint
}

/** Where the backfill writes: the stream's output, waited on so a long gap never outruns stdout. */
export interface GapOutput {
  readonly sink: ByteSink
  schedule(): void
  room(): Promise<void>
}

export interface GapFillerOptions {
  /**
   * What to print before the first connection's lines (`--tail`, `--since` without `--recent`),
   * read by the first fill, which the stream's first open asks for as a reconnect does.
   */
  history?: HistoryQuery
  /** Said before its notices when several apps share the output. */
  label?: string
  /** The run's one progress line, which every app's reads share. */
  progress: LogCacheProgress
  /** Where Log Cache is: the run's one lookup, which every app's fills share (shareLogCacheLookup). */
  logCache: () => Promise<string | undefined>
}

/**
 * Where Log Cache is, looked up once for every app of the run; a failed lookup is forgotten, so the
 * next fill asks again (the Cloud Controller's failure may pass). One lookup per app asked the Cloud
 * Controller as many times at once when the apps' history or their backfills after a Traffic
 * Controller restart began together, each request listening on the run's signal: with more than 10
 * apps (`--all`), Node wrote a MaxListenersExceededWarning on stderr.
 */
export function shareLogCacheLookup(session: Session): () => Promise<string | undefined> {
  let lookup: Promise<string | undefined> | undefined
  return async () => {
    lookup ??= findLogCache(session).catch((error: unknown) => {
      lookup = undefined
      throw error
    })
    return lookup
  }
}

/**
 * Renders an app's log messages and fills the gap a reconnect leaves: it remembers the newest
 * timestamp printed, and after a reconnect asks Log Cache for everything since then (inclusive),
 * prints what was not printed yet (same timestamp, source, instance and text), and skips the new
 * connection's copies of what the backfill printed. History before the first connection's lines
 * is the same job, from another start. The order of fills and held frames is
 * ReconnectBackfill's; this class only knows lines.
 */
export class LogGapFiller {
  private newestNs?: bigint
  // The newest line printed, and the keys of the others printed at its timestamp: a frame is kept
  // only until the next line, and a key is made only when two lines share a timestamp.
  private newestLine?: LogMessage
  private readonly keysAtNewest = new Set<string>()
  private readonly backfilled = new Set<string>()
  private backfilledUntilNs = 0n
  // History cut at its count (`--tail N`) begins here: a held or live line older than this is
  // before the tail that was shown, not after it, and is skipped as its copies are.
  private tailStartNs = 0n
  private readonly decoder = new LogMessageDecoder()

  private history?: HistoryQuery
  private readonly label?: string
  private readonly progress: LogCacheProgress
  private readonly logCache: () => Promise<string | undefined>

  constructor(
    private readonly session: Session,
    private readonly appGuid: string,
    private readonly printer: LinePrinter,
    options: GapFillerOptions,
  ) {
    this.history = options.history
    this.label = options.label
    this.progress = options.progress
    this.logCache = options.logCache
  }

  /** Writes a streamed frame's log line into `out`; returns why, when the frame is not an envelope. */
  renderFrame(frame: Buffer, out: ByteSink): string | undefined {
    const decoded = this.decoder.decode(frame)
    if (!decoded.ok) return decoded.reason
    const log = decoded.envelope.logMessage
    if (!log) return undefined
    if (this.backfilled.size > 0) {
      // A copy of a backfilled line is no newer than the newest of them, and comes at most
      // OUT_OF_ORDER_NS behind a newer line: past that, stop looking.
      const timestamp = log.timestamp ?? 0n
      if (timestamp > this.backfilledUntilNs + OUT_OF_ORDER_NS) this.backfilled.clear()
      else if (timestamp < this.tailStartNs || this.backfilled.delete(logKey(log))) return undefined
    }

    this.print(log, out)
    return undefined
  }

  /**
   * Prints what Log Cache has since the newest line printed and was not printed yet; the first
   * time, with `history` set, the history instead.
   */
  async fillGap(output: GapOutput, signal: AbortSignal): Promise<void> {
    this.backfilled.clear()
    this.tailStartNs = 0n
    const {history} = this
    this.history = undefined
    if (history === undefined && this.newestNs === undefined) return
    const {session, printer} = this
    let baseUrl: string | undefined
    try {
      baseUrl = await this.logCache()
    } catch (error) {
      if (signal.aborted) return
      notice(
        labelled(
          this.label,
          `could not find Log Cache: ${messageOf(error)}; ${history ? 'live lines only' : 'lines logged while disconnected may be missing'}`,
        ),
      )
      return
    }

    if (!baseUrl) {
      notice(
        labelled(
          this.label,
          history
            ? 'this foundation has no Log Cache: no history, live lines only'
            : 'this foundation has no Log Cache: lines logged while disconnected may be missing',
        ),
      )
      return
    }

    const accept = printer.filtering ? (log: LogMessage): boolean => printer.accepts(log) : undefined
    const progress = this.progress.begin(this.appGuid)
    const query = {
      baseUrl,
      appGuid: this.appGuid,
      tokens: session.tokens,
      verifyTls: session.verifyTls,
      signal,
      accept,
      onPage: progress.onPage,
    }
    const asked = history ?? {maxMessages: MAX_BACKFILL_MESSAGES, startTimeNs: this.newestNs}
    const slow = setTimeout(
      () =>
        info(
          labelled(
            this.label,
            `Log Cache has taken ${SLOW_READ_MS / 1000}s so far to give the ${history ? 'history' : 'backfill'}; the live lines wait for it`,
          ),
        ),
      SLOW_READ_MS,
    ).unref()
    let logs: LogMessage[]
    try {
      logs = await readRecentLogs({...query, ...asked})
    } catch (error) {
      if (!history || signal.aborted) throw error
      notice(labelled(this.label, `could not read the history from Log Cache: ${messageOf(error)}; live lines only`))
      return
    } finally {
      clearTimeout(slow)
      progress.end()
    }

    const printed = new Set(this.keysAtNewest)
    if (this.newestLine) printed.add(logKey(this.newestLine))
    let count = 0
    for (const log of logs) {
      const key = logKey(log)
      if (printed.has(key)) continue
      await output.room()
      if (signal.aborted || printer.done) break
      this.backfilled.add(key)
      if ((log.timestamp ?? 0n) > this.backfilledUntilNs) this.backfilledUntilNs = log.timestamp ?? 0n
      this.print(log, output.sink)
      output.schedule()
      count++
    }

    // A full read may have left older lines out: a history's are before its tail, a gap's are lost.
    // Its lines come oldest first.
    const full = logs.length > 0 && logs.length >= asked.maxMessages
    if (history) {
      if (full) this.tailStartNs = logs[0].timestamp ?? 0n
      return
    }

    const backfilled = `backfilled ${count} lines from Log Cache`
    if (full)
      notice(
        labelled(
          this.label,
          `${backfilled}, the newest ${asked.maxMessages} of the gap: older lines logged while disconnected are missing`,
        ),
      )
    else info(labelled(this.label, backfilled))
  }

  // Every line seen counts for the next backfill's start, printed or filtered out: a filtered one
  // would only be read and rejected again.
  private print(log: LogMessage, out: ByteSink): void {
    const timestamp = log.timestamp ?? 0n
    if (this.newestNs === undefined || timestamp > this.newestNs) {
      this.newestNs = timestamp
      // Set#clear allocates a fresh table even when empty, and this runs on nearly every line.
      if (this.keysAtNewest.size > 0) this.keysAtNewest.clear()
      this.newestLine = log
    } else if (timestamp === this.newestNs) {
      if (this.newestLine && this.keysAtNewest.size < MAX_KEYS_AT_NEWEST) this.keysAtNewest.add(logKey(this.newestLine))
      this.newestLine = log
    }

    this.printer.print(log, out)
  }
}
