import type {LogMessage} from '../envelope/types.js'
import type {CfwsError} from '../errors.js'
import {byTimestamp, oldestFirst, readRecentLogs} from '../logcache/read-logs.js'
import {OutputWriter} from '../render/output-writer.js'
import {readTrafficControllerRecentLogs} from '../stream/recent.js'
import {trace} from '../trace.js'
import type {LogPrinter} from './log-printer.js'
import {LogCacheProgress} from './log-cache-progress.js'
import {notice} from './notice.js'
import {findLogCache, type Session} from './session.js'

/** As many as `cf logs --recent` shows; `--lines` goes past it by paging. */
export const DEFAULT_RECENT_LINES = 1000

/** An app whose recent logs to print, through its own printer (its prefix, its JSON `app`). */
export interface RecentApp {
  guid: string
  printer: LogPrinter
}

export interface RecentRun {
  session: Session
  apps: readonly RecentApp[]
  /** The Traffic Controller, asked for only when the foundation has no Log Cache. */
  loggerEndpoint: () => Promise<URL>
  /** Per app. */
  maxMessages: number
  startTimeNs?: bigint
}

/**
 * `--recent`: from Log Cache where the foundation advertises one (root `links.log_cache`, else the
 * config's LogCacheEndPoint), else from the Traffic Controller's `recentlogs`. An advertised but
 * failing Log Cache is an error, not a reason to try the other (../shared/CLI.md). Several apps
 * are read at once, each up to `maxMessages`, and printed merged in timestamp order.
 */
export async function printRecentLogs(run: RecentRun): Promise<void> {
  const logCache = await findLogCache(run.session)
  let endpoint: Promise<URL> | undefined
  const once = {...run, loggerEndpoint: async () => (endpoint ??= run.loggerEndpoint())}
  // The apps are read at once: their pages add up on one progress line.
  const progress = new LogCacheProgress()
  const read = await Promise.all(
    run.apps.map(async (app) => ({app, logs: await readAppLogs(once, app, logCache, progress)})),
  )
  const lines = read.flatMap(({app, logs}) => logs.map((log) => ({log, printer: app.printer})))
  // Each app's lines are in order already; a stable sort keeps an app's equal timestamps as they came.
  if (read.length > 1) lines.sort((a, b) => byTimestamp(a.log, b.log))

  // History waits for the reader as long as it takes: nothing upstream would cut it off.
  let failure: CfwsError | undefined
  const writer = new OutputWriter(process.stdout, {
    maxBufferedBytes: Number.POSITIVE_INFINITY,
    stallMs: Number.POSITIVE_INFINITY,
    onDropped() {},
    onClosed() {},
    onFailed: (error) => (failure = error),
  })
  for (const {log, printer} of lines) {
    await writer.room()
    if (writer.closed || printer.done) break
    printer.print(log, writer.sink)
    writer.schedule()
  }

  await writer.flush()
  if (failure) throw failure
}

async function readAppLogs(
  run: RecentRun,
  app: RecentApp,
  logCache: string | undefined,
  progress: LogCacheProgress,
): Promise<LogMessage[]> {
  const {session} = run
  const accept = (log: LogMessage): boolean => app.printer.accepts(log)
  if (logCache) {
    trace(`recent logs from Log Cache at ${logCache}`)
    const read = progress.begin(app.guid)
    try {
      return await readRecentLogs({
        baseUrl: logCache,
        appGuid: app.guid,
        tokens: session.tokens,
        verifyTls: session.verifyTls,
        maxMessages: run.maxMessages,
        startTimeNs: run.startTimeNs,
        accept: app.printer.filtering ? accept : undefined,
        onPage: read.onPage,
      })
    } finally {
      read.end()
    }
  }

  const endpoint = await run.loggerEndpoint()
  trace(`no Log Cache advertised: recent logs from the Traffic Controller at ${endpoint.host}`)
  const answer = await readTrafficControllerRecentLogs(endpoint, app.guid, session.tokens, session.verifyTls)
  if (answer.undecodable > 0)
    notice(`skipped ${answer.undecodable} parts of the recent logs that were not dropsonde envelopes`)
  const since = run.startTimeNs
  return oldestFirst(answer.logs)
    .filter((log) => (since === undefined || log.timestamp! >= since) && accept(log))
    .slice(-run.maxMessages)
}
