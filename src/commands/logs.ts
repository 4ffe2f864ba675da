import {requireTargetedSpace} from '../cf/config.js'
import {
  appFlags,
  describePattern,
  readAppSelection,
  readAppTimings,
  selectApps,
  severalApps,
} from '../cli/app-selection.js'
import {BaseCommand} from '../cli/base-command.js'
import {logFilterFlags, readLogFilter, readStreamSettings, streamFlags} from '../cli/flags.js'
import {LineBudget} from '../cli/log-printer.js'
import {DEFAULT_RECENT_LINES} from '../cli/print-recent.js'
import {type LogsRun, printRecentLogsOfApps, tailAppLogs} from '../cli/run-logs.js'
import {info, silenceInfo, startWork} from '../cli/notice.js'
import {openSession, resolveLoggerEndpoint} from '../cli/session.js'
import {parseDuration, readSince} from '../cli/units.js'
import {usageLine} from '../cli/usage.js'
import {Args, Flags} from '../oclif.js'
import {loadChalk} from '../render/color.js'
import {createJsonLogRenderer, createTextLogRenderer} from '../render/log-message.js'
import {TIMESTAMP_STYLES, type TimestampStyle} from '../render/timestamp.js'
import {MAX_TIMER_DELAY_MS} from '../timers/long-sleep.js'

export default class Logs extends BaseCommand {
  static override summary =
    "Stream an app's logs (or several apps') until interrupted, or print the recent ones with --recent"
  static override examples = [
    '<%= config.bin %> logs myapp',
    '<%= config.bin %> logs web worker --source APP',
    "<%= config.bin %> logs --app-regex '^api-' --tail 20",
    '<%= config.bin %> logs myapp --json | jq .message',
    '<%= config.bin %> logs myapp --recent --since 10m --tail 5000',
  ]

  static override strict = false
  static override args = {
    app: Args.string({description: 'app names in the targeted space; with several, each line starts with its app'}),
  }
  static override flags = {
    ...streamFlags,
    ...logFilterFlags,
    ...appFlags,
    recent: Flags.boolean({description: 'print the recent logs, oldest first, and exit'}),
    tail: Flags.integer({
      aliases: ['lines'],
      description: `print this many messages of history, the newest, then follow (with --recent: then exit; default there: ${DEFAULT_RECENT_LINES}); per app; 0: none, live lines only; also --lines`,
      helpValue: 'N',
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
    }),
    'raw-escapes': Flags.boolean({
      description:
        "text: pass the app's control characters and escape sequences to the terminal as they are (its colours). Off by default: a log line could then retitle, clear or rewrite your terminal, and forge lines",
      exclusive: ['json'],
    }),
    timestamps: Flags.string({
      helpValue: 'STYLE',
      description: 'text: how each line starts: default (local time, as cf), utc, short (09:46:47.12) or none',
      options: [...TIMESTAMP_STYLES],
      exclusive: ['json'],
    }),
    'max-lines': Flags.integer({
      description: 'exit 0 once this many messages were printed (after the filters)',
      helpValue: 'N',
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
    }),
    for: Flags.string({
      description: 'exit 0 after tailing for this long (10s, 5m, 1h30m)',
      helpValue: 'DURATION',
      exclusive: ['recent'],
    }),
    since: Flags.string({
      description:
        'print the history since a duration ago (90s, 10m, 1h30m, 2d) or an RFC 3339 time, then follow (with --recent: then exit)',
      helpValue: 'DURATION|TIME',
    }),
  }

  static override usage = usageLine({'app...': {}}, this.flags)

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Logs)
    const selection = readAppSelection(argv as string[], flags)
    const settings = readStreamSettings(flags)
    const since = flags.since === undefined ? undefined : readSince(flags.since)
    const {filter, highlight, notices} = readLogFilter(flags)
    const forMs = flags.for === undefined ? undefined : parseDuration(flags.for, '--for', MAX_TIMER_DELAY_MS)
    const {refreshMs, orderWindowMs} = readAppTimings(flags)
    if (flags.quiet) silenceInfo()
    startWork()
    for (const notice of notices) info(notice)
    const stop = new AbortController()
    const session = await openSession(flags['skip-ssl-validation'], undefined, stop.signal)
    const {config} = session
    const space = requireTargetedSpace(config)
    const several = severalApps(selection)
    const chalk = flags.json ? undefined : await loadChalk(flags.color, process.env, Boolean(process.stdout.isTTY))
    const textOptions = {
      rawEscapes: flags['raw-escapes'],
      highlight,
      timestamps: flags.timestamps as TimestampStyle | undefined,
    }
    // A stream needs the endpoint, resolved first so a refused one (plain ws:// to a remote host)
    // stops before any request; --recent asks for it only on a foundation without Log Cache.
    const endpoint = flags.recent ? undefined : await resolveLoggerEndpoint(session, flags.endpoint)
    const apps = await selectApps(
      {target: config.target, verifyTls: session.verifyTls, signal: stop.signal},
      session.tokens,
      {space, org: config.org},
      selection,
    )
    // --tail 0 is kubectl's: no history, only what comes from now on.
    const history =
      (flags.tail === undefined && since === undefined) || (flags.tail === 0 && !flags.recent)
        ? undefined
        : () => ({maxMessages: flags.tail ?? DEFAULT_RECENT_LINES, startTimeNs: since?.()})
    const run: LogsRun = {
      session,
      where: `${config.org.name}/${space.name}`,
      ...apps,
      refreshMs,
      pattern: describePattern(selection),
      orderWindowMs: several ? orderWindowMs : undefined,
      renderFor: (app) =>
        flags.json
          ? createJsonLogRenderer(app.name)
          : createTextLogRenderer(chalk, {...textOptions, app: several ? app.name : undefined}),
      filter,
      budget: flags['max-lines'] === undefined ? undefined : new LineBudget(flags['max-lines'], () => stop.abort()),
      history,
      settings,
      stop,
      forMs,
    }
    if (endpoint) process.exitCode = await tailAppLogs(run, endpoint)
    else
      await printRecentLogsOfApps(run, history?.() ?? {maxMessages: DEFAULT_RECENT_LINES}, async () =>
        resolveLoggerEndpoint(session, flags.endpoint),
      )
  }
}
