import {decodeLogMessage} from '../envelope/decode.js'
import type {LogMessage} from '../envelope/types.js'
import {logIdentity, readRecentLogs} from '../logcache/read-logs.js'
import {ByteSink} from '../render/byte-sink.js'
import type {LogRenderer} from '../render/log-message.js'
import {notice} from './run-stream.js'
import {findLogCache, type Session} from './session.js'

// Enough for minutes of a busy app; a longer gap is reported by the count, not hidden.
const MAX_BACKFILL_MESSAGES = 10_000
// Lines sharing the newest nanosecond, kept to recognise them in a backfill. Each holds its frame,
// so the number is bounded: past it, a backfill may repeat such a line rather than memory grow.
const MAX_REMEMBERED_AT_NEWEST = 256

/**
 * Renders an app's log messages and fills the gap a reconnect leaves: it remembers the newest
 * timestamp printed, and after a reconnect asks Log Cache for everything since then (inclusive),
 * prints what was not printed yet (same timestamp, source, instance and text), and skips the new
 * connection's copies of what the backfill printed.
 */
export class LogGapFiller {
  private newestNs?: bigint
  private atNewest: LogMessage[] = []
  private backfilled = new Set<string>()
  private backfilledUntilNs = 0n
  private logCache?: Promise<string | undefined>

  constructor(private readonly session: Session, private readonly appGuid: string, private readonly renderLog: LogRenderer) {}

  /** Writes a streamed frame's log line into `out`; returns why, when the frame is not an envelope. */
  renderFrame(frame: Buffer, out: ByteSink): string | undefined {
    const decoded = decodeLogMessage(frame)
    if (!decoded.ok) return decoded.reason
    const log = decoded.envelope.logMessage
    if (!log) return undefined
    if (this.backfilled.size > 0) {
      // A copy of a backfilled line cannot be newer than the newest of them: past that, stop looking.
      if ((log.timestamp ?? 0n) > this.backfilledUntilNs) this.backfilled.clear()
      else if (this.backfilled.delete(logIdentity(log))) return undefined
    }

    this.remember(log)
    this.renderLog(log, out)
    return undefined
  }

  async fillGap(): Promise<string> {
    this.backfilled.clear()
    if (this.newestNs === undefined) return ''
    const {session} = this
    this.logCache ??= findLogCache(session)
    const baseUrl = await this.logCache
    if (!baseUrl) {
      notice('this foundation has no Log Cache: lines logged while disconnected may be missing')
      return ''
    }

    const logs = await readRecentLogs({baseUrl, appGuid: this.appGuid, tokens: session.tokens, verifyTls: session.verifyTls, maxMessages: MAX_BACKFILL_MESSAGES, startTimeNs: this.newestNs})
    const printed = new Set(this.atNewest.map(logIdentity))
    const missing = logs.filter((log) => !printed.has(logIdentity(log)))
    const lines = new ByteSink()
    for (const log of missing) {
      this.backfilled.add(logIdentity(log))
      if ((log.timestamp ?? 0n) > this.backfilledUntilNs) this.backfilledUntilNs = log.timestamp ?? 0n
      this.remember(log)
      this.renderLog(log, lines)
    }

    notice(`backfilled ${missing.length} lines from Log Cache`)
    return lines.buf.toString('utf8', 0, lines.pos)
  }

  private remember(log: LogMessage): void {
    const timestamp = log.timestamp ?? 0n
    if (this.newestNs === undefined || timestamp > this.newestNs) {
      this.newestNs = timestamp
      this.atNewest = [log]
    } else if (timestamp === this.newestNs && this.atNewest.length < MAX_REMEMBERED_AT_NEWEST) {
      this.atNewest.push(log)
    }
  }
}
