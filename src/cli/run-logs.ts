import type {SpaceApp} from '../cf/space-apps.js'
import {appStreamUrl} from '../endpoint/resolve.js'
import {CfwsError, messageOf} from '../errors.js'
import type {LogFilter} from '../envelope/log-filter.js'
import type {LogRenderer} from '../render/log-message.js'
import type {OutputWriter} from '../render/output-writer.js'
import {appIdentity, tailApps} from './app-streams.js'
import type {StreamSettings} from './flags.js'
import {type HistoryQuery, LogGapFiller, shareLogCacheLookup} from './log-gap.js'
import {LogCacheProgress} from './log-cache-progress.js'
import {type LineBudget, type LinePrinter, LogPrinter} from './log-printer.js'
import {OrderedPrinter} from './ordered-printer.js'
import {info, notice} from './notice.js'
import {OrderWindow} from './order-window.js'
import {printRecentLogs} from './print-recent.js'
import {runStream, type TailedStream} from './run-stream.js'
import type {Session} from './session.js'

export interface LogsRun {
  session: Session
  /** `org/space`, for the notices. */
  where: string
  initial: readonly SpaceApp[]
  /** `--all`, `--app-regex`: the apps to tail now, asked every `refreshMs`. */
  discover?: () => Promise<SpaceApp[]>
  refreshMs: number
  /** How a selection that matches nothing yet is told: `/^api-/`, or undefined for every app. */
  pattern?: string
  /** Lines of several apps are merged in timestamp order within this long (0: as they arrive); undefined for one app. */
  orderWindowMs?: number
  renderFor: (app: SpaceApp) => LogRenderer
  filter?: LogFilter
  budget?: LineBudget
  /**
   * `--tail`/`--since`: each app's history before its live lines, or with `recent`, history only;
   * asked when the app's stream starts, so that a `--since` duration counts back from then.
   */
  history?: () => HistoryQuery
  settings: StreamSettings
  stop: AbortController
  forMs?: number
}

/** `--recent`: every app's recent logs, merged in timestamp order, then exit. */
export async function printRecentLogsOfApps(
  run: LogsRun,
  history: HistoryQuery,
  loggerEndpoint: () => Promise<URL>,
): Promise<void> {
  // As kubectl's "No resources found": an empty output must not pass for apps that logged nothing.
  if (run.initial.length === 0) info(`no app in ${run.where}${run.pattern ? ` matches ${run.pattern}` : ''}`)
  const apps = run.initial.map((app) => ({
    guid: app.guid,
    printer: new LogPrinter(run.renderFor(app), run.filter, run.budget),
  }))
  await printRecentLogs({session: run.session, apps, loggerEndpoint, ...history})
}

/**
 * Tails the apps, one stream each into one output, until the run ends; returns the exit code. With
 * several apps their lines meet in the order window, and the history of the apps tailed from the
 * start is held there until every one's is read, so it comes out merged too; an app found later
 * prints its history, then its live lines, through the same window.
 */
export async function tailAppLogs(run: LogsRun, endpoint: URL): Promise<number> {
  const tailed = new Set<string>()
  if (run.initial.length === 0)
    info(
      `no app in ${run.where}${run.pattern ? ` matches ${run.pattern}` : ''} yet; looking again every ${run.refreshMs / 1000}s (Ctrl-C to stop)`,
    )
  return runStream({
    session: run.session,
    kind: 'app',
    settings: run.settings,
    stop: run.stop,
    forMs: run.forMs,
    startNotice: () => `tailing ${[...tailed].join(', ')} in ${run.where} (Ctrl-C to stop)`,
    async streams(tail, output) {
      const window = run.orderWindowMs ? orderWindow(run.orderWindowMs, run.settings, output) : undefined
      const tailOneApp = appTailer(run, endpoint, tailed, {tail, output, window})
      try {
        await tailApps(run.initial, {
          tail: tailOneApp,
          discover: run.discover,
          refreshMs: run.refreshMs,
          signal: run.stop.signal,
          onAdded: (app) => info(`+ ${app.name}`),
          onRemoved: (app) => info(`- ${app.name}`),
          onDiscoverFailed: (error) =>
            notice(
              `could not look up the apps of ${run.where}: ${messageOf(error)}; trying again in ${run.refreshMs / 1000}s`,
            ),
          endsOnlyItsStream: (error) =>
            error instanceof CfwsError && (error.code === 'LOGS_NOT_VISIBLE' || error.retryable),
          onStreamEnded: (app, error) =>
            notice(`- ${app.name}: ${messageOf(error)}; looking again in ${run.refreshMs / 1000}s`),
        })
      } finally {
        window?.flush()
      }
    },
  })
}

/**
 * How the run tails each app: its printer, in the window when there is one, and its history the
 * first time it is tailed: an app found later gets it too, as stern shows the tail of a pod that
 * appears; a stream started again after its own failure does not.
 */
function appTailer(
  run: LogsRun,
  endpoint: URL,
  tailed: Set<string>,
  {tail, output, window}: {tail: (stream: TailedStream) => Promise<void>; output: OutputWriter; window?: OrderWindow},
): (app: SpaceApp, signal: AbortSignal) => Promise<void> {
  const progress = new LogCacheProgress()
  const logCache = shareLogCacheLookup(run.session)
  const fromStart = new Set(run.initial)
  const historyRead = new Set<string>()
  return async (app, signal) => {
    const history = historyRead.has(appIdentity(app)) ? undefined : run.history?.()
    // The apps of the start hold the window until every one's history is read, so it comes out
    // merged; a later app's goes through the window as live lines do, and stalls no other app.
    const releaseHold = history && window && fromStart.has(app) ? window.hold() : undefined
    const historyDone = (): void => {
      historyRead.add(appIdentity(app))
      releaseHold?.()
    }
    tailed.add(app.name)
    // Whatever fails from here on, the hold goes with it: a hold left behind would keep every
    // other app's lines in the window until the run ends.
    try {
      const printer = new LogPrinter(run.renderFor(app), run.filter, run.budget)
      const ordered = window ? new OrderedPrinter(printer, window, output) : undefined
      await tail(appStream(run, app, endpoint, ordered ?? printer, {history, progress, logCache}, signal, historyDone))
    } finally {
      tailed.delete(app.name)
      releaseHold?.()
    }
  }
}

function appStream(
  run: LogsRun,
  app: SpaceApp,
  endpoint: URL,
  printer: LinePrinter,
  {
    history,
    progress,
    logCache,
  }: {history?: HistoryQuery; progress: LogCacheProgress; logCache: () => Promise<string | undefined>},
  signal: AbortSignal,
  onFilled: () => void,
): TailedStream {
  // Several apps share the output (names, --all, --app-regex): their notices say which.
  const label = run.orderWindowMs === undefined ? undefined : app.name
  const gap = new LogGapFiller(run.session, app.guid, printer, {history, label, progress, logCache})
  return {
    url: appStreamUrl(endpoint, app.guid),
    renderFrame: (frame, out) => gap.renderFrame(frame, out),
    async fillGap(output, fillSignal) {
      try {
        await gap.fillGap(output, fillSignal)
      } finally {
        onFilled()
      }
    },
    fillFirst: history !== undefined,
    signal,
    label,
  }
}

// What the window may hold: about a thousand lines, 300 ms of a busy app or two (the window is never
// shortened by it below a few thousand lines a second), and at most a quarter of --buffer-size: the
// window only sorts, the writer's queue behind it is the buffer. Measured with 20 apps at 130k
// lines/s in all: holding 4 MiB cost a fifth more CPU per line than 256 KiB (the lines went cold).
const MAX_WINDOW_BYTES = 256 * 1024
const WINDOW_SHARE_OF_BUFFER = 4
// While the apps' history is read it is merged whole, up to half of --buffer-size (30,000 lines or
// so by default): --tail 1000 of 20 apps.
const HISTORY_SHARE_OF_BUFFER = 2

function orderWindow(windowMs: number, settings: StreamSettings, output: OutputWriter): OrderWindow {
  const maxHeldBytes = Math.min(MAX_WINDOW_BYTES, settings.maxBufferedBytes / WINDOW_SHARE_OF_BUFFER)
  const maxHeldBytesWhileHeld = settings.maxBufferedBytes / HISTORY_SHARE_OF_BUFFER
  return new OrderWindow({windowMs, maxHeldBytes, maxHeldBytesWhileHeld, onReleased: () => output.schedule()})
}
