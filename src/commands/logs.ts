import {findAppGuid} from '../cf/cloud-controller.js'
import {requireTargetedSpace} from '../cf/config.js'
import {BaseCommand} from '../cli/base-command.js'
import {logFilterFlags, readAppName, readLogFilter, readStreamSettings, streamFlags} from '../cli/flags.js'
import {LogGapFiller} from '../cli/log-gap.js'
import {LineBudget, LogPrinter} from '../cli/log-printer.js'
import {DEFAULT_RECENT_LINES, printRecentLogs} from '../cli/print-recent.js'
import {runStream} from '../cli/run-stream.js'
import {silenceInfo} from '../cli/notice.js'
import {openSession, resolveLoggerEndpoint} from '../cli/session.js'
import {MAX_TIMER_MS, parseDuration, parseSince} from '../cli/units.js'
import {usageLine} from '../cli/usage.js'
import {appStreamUrl} from '../endpoint/resolve.js'
import {Args, Flags} from '../oclif.js'
import {loadChalk} from '../render/color.js'
import {createJsonLogRenderer, createTextLogRenderer} from '../render/log-message.js'
import {TIMESTAMP_STYLES, type TimestampStyle} from '../render/timestamp.js'

export default class Logs extends BaseCommand {
  static override summary = "Stream an app's logs until interrupted, or print the recent ones with --recent"
  static override examples = [
    '<%= config.bin %> logs myapp',
    '<%= config.bin %> logs myapp --json | jq .message',
    '<%= config.bin %> logs myapp --tail 50 --source APP',
    '<%= config.bin %> logs myapp --recent --since 10m --tail 5000',
  ]

  static override args = {app: Args.string({description: 'app name in the targeted space', required: true})}
  static override flags = {
    ...streamFlags,
    ...logFilterFlags,
    recent: Flags.boolean({description: 'print the recent logs, oldest first, and exit'}),
    tail: Flags.integer({aliases: ['lines'], description: `print this many messages of history, the newest, then follow (with --recent: then exit; default there: ${DEFAULT_RECENT_LINES})`, helpValue: 'N', min: 1, max: Number.MAX_SAFE_INTEGER}),
    'raw-escapes': Flags.boolean({
      description: "text: pass the app's control characters and escape sequences to the terminal as they are (its colours). Off by default: a log line could then retitle, clear or rewrite your terminal, and forge lines",
      exclusive: ['json'],
    }),
    timestamps: Flags.string({helpValue: 'STYLE', description: 'text: how each line starts: default (local time, as cf), utc, short (09:46:47.12) or none', options: [...TIMESTAMP_STYLES], exclusive: ['json']}),
    quiet: Flags.boolean({char: 'q', description: 'no notices on stderr (the start, reconnects, backfills); warnings of lost lines and errors still show'}),
    'max-lines': Flags.integer({description: 'exit 0 once this many messages were printed (after the filters)', helpValue: 'N', min: 1, max: Number.MAX_SAFE_INTEGER}),
    for: Flags.string({description: 'exit 0 after tailing for this long (10s, 5m, 1h30m)', helpValue: 'DURATION', exclusive: ['recent']}),
    since: Flags.string({description: 'print the history since a duration ago (90s, 10m, 1h30m, 2d) or an RFC 3339 time, then follow (with --recent: then exit)', helpValue: 'DURATION|TIME'}),
  }

  static override usage = usageLine(this.args, this.flags)

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Logs)
    const appName = readAppName(args.app)
    const settings = readStreamSettings(flags)
    const startTimeNs = flags.since === undefined ? undefined : parseSince(flags.since)
    const {filter, highlight} = readLogFilter(flags)
    const forMs = flags.for === undefined ? undefined : parseDuration(flags.for, '--for', MAX_TIMER_MS)
    if (flags.quiet) silenceInfo()
    const stop = new AbortController()
    const session = await openSession(flags['skip-ssl-validation'], undefined, stop.signal)
    const {config} = session
    const space = requireTargetedSpace(config)
    const cc = {target: config.target, verifyTls: session.verifyTls, signal: stop.signal}
    const renderLog = flags.json ? createJsonLogRenderer(appName) : createTextLogRenderer(await loadChalk(flags.color, process.env, Boolean(process.stdout.isTTY)), {rawEscapes: flags['raw-escapes'], highlight, timestamps: flags.timestamps as TimestampStyle | undefined})
    const budget = flags['max-lines'] === undefined ? undefined : new LineBudget(flags['max-lines'], () => stop.abort())
    const printer = new LogPrinter(renderLog, filter, budget)
    // A stream needs the endpoint, resolved first so a refused one (plain ws:// to a remote host)
    // stops before any request; --recent asks for it only on a foundation without Log Cache.
    const endpoint = flags.recent ? undefined : await resolveLoggerEndpoint(session, flags.endpoint)
    const appGuid = await findAppGuid(cc, session.tokens, {name: appName, space, org: config.org})
    if (!endpoint) {
      const loggerEndpoint = async () => resolveLoggerEndpoint(session, flags.endpoint)
      await printRecentLogs({session, appGuid, loggerEndpoint, maxMessages: flags.tail ?? DEFAULT_RECENT_LINES, startTimeNs, printer})
      return
    }

    const history = flags.tail === undefined && startTimeNs === undefined ? undefined : {maxMessages: flags.tail ?? DEFAULT_RECENT_LINES, startTimeNs}
    const gap = new LogGapFiller(session, appGuid, printer, history)
    process.exitCode = await runStream({
      session,
      url: appStreamUrl(endpoint, appGuid),
      kind: 'app',
      settings,
      stop,
      renderFrame: (frame, out) => gap.renderFrame(frame, out),
      fillGap: async (output, signal) => gap.fillGap(output, signal),
      forMs,
      fillFirst: history !== undefined,
      startNotice: `tailing ${appName} in ${config.org.name}/${space.name} (Ctrl-C to stop)`,
    })
  }
}
