import type {LogMessage} from '../envelope/types.js'
import type {CfwsError} from '../errors.js'
import {oldestFirst, readRecentLogs} from '../logcache/read-logs.js'
import {OutputWriter} from '../render/output-writer.js'
import {readTrafficControllerRecentLogs} from '../stream/recent.js'
import {trace} from '../trace.js'
import type {LogPrinter} from './log-printer.js'
import {historyProgress, notice} from './notice.js'
import {findLogCache, type Session} from './session.js'

/** As many as `cf logs --recent` shows; `--lines` goes past it by paging. */
export const DEFAULT_RECENT_LINES = 1000

export interface RecentRun {
  session: Session
  appGuid: string
  /** The Traffic Controller, asked for only when the foundation has no Log Cache. */
  loggerEndpoint: () => Promise<URL>
  maxMessages: number
  startTimeNs?: bigint
  printer: LogPrinter
}

/**
 * `--recent`: from Log Cache where the foundation advertises one (root `links.log_cache`, else the
 * config's LogCacheEndPoint), else from the Traffic Controller's `recentlogs`. An advertised but
 * failing Log Cache is an error, not a reason to try the other (../shared/CLI.md).
 */
export async function printRecentLogs(run: RecentRun): Promise<void> {
  const {session} = run
  const logCache = await findLogCache(session)
  let logs: LogMessage[]
  if (logCache) {
    trace(`recent logs from Log Cache at ${logCache}`)
    const progress = historyProgress()
    try {
      logs = await readRecentLogs({baseUrl: logCache, appGuid: run.appGuid, tokens: session.tokens, verifyTls: session.verifyTls, maxMessages: run.maxMessages, startTimeNs: run.startTimeNs, accept: (log) => run.printer.accepts(log), onPage: progress.onPage})
    } finally {
      progress.end()
    }
  } else {
    const endpoint = await run.loggerEndpoint()
    trace(`no Log Cache advertised: recent logs from the Traffic Controller at ${endpoint.host}`)
    const answer = await readTrafficControllerRecentLogs(endpoint, run.appGuid, session.tokens, session.verifyTls)
    if (answer.undecodable > 0) notice(`skipped ${answer.undecodable} parts of the recent logs that were not dropsonde envelopes`)
    const since = run.startTimeNs
    logs = oldestFirst(answer.logs).filter((log) => (since === undefined || log.timestamp! >= since) && run.printer.accepts(log)).slice(-run.maxMessages)
  }

  // History waits for the reader as long as it takes: nothing upstream would cut it off.
  let failure: CfwsError | undefined
  const writer = new OutputWriter(process.stdout, {
    maxBufferedBytes: Number.POSITIVE_INFINITY,
    stallMs: Number.POSITIVE_INFINITY,
    onDropped() {},
    onClosed() {},
    onFailed: (error) => (failure = error),
  })
  for (const log of logs) {
    await writer.room()
    if (writer.closed || run.printer.done) break
    run.printer.print(log, writer.sink)
    writer.schedule()
  }

  await writer.flush()
  if (failure) throw failure
}
