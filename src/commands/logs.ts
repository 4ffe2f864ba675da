import {findAppGuid} from '../cf/cloud-controller.js'
import {requireTargetedSpace} from '../cf/config.js'
import {BaseCommand} from '../cli/base-command.js'
import {readAppName, readStreamSettings, streamFlags} from '../cli/flags.js'
import {LogGapFiller} from '../cli/log-gap.js'
import {DEFAULT_RECENT_LINES, printRecentLogs} from '../cli/print-recent.js'
import {runStream} from '../cli/run-stream.js'
import {openSession, resolveLoggerEndpoint} from '../cli/session.js'
import {parseSince} from '../cli/units.js'
import {usageLine} from '../cli/usage.js'
import {appStreamUrl} from '../endpoint/resolve.js'
import {Args, Flags} from '../oclif.js'
import {loadChalk} from '../render/color.js'
import {createJsonLogRenderer, createTextLogRenderer} from '../render/log-message.js'

export default class Logs extends BaseCommand {
  static override summary = "Stream an app's logs until interrupted, or print the recent ones with --recent"
  static override examples = [
    '<%= config.bin %> logs myapp',
    '<%= config.bin %> logs myapp --json | jq .message',
    '<%= config.bin %> logs myapp --recent --since 10m --lines 5000',
  ]

  static override args = {app: Args.string({description: 'app name in the targeted space', required: true})}
  static override flags = {
    ...streamFlags,
    recent: Flags.boolean({description: 'print the recent logs, oldest first, and exit'}),
    // No oclif default: a default would count as given and trip dependsOn.
    lines: Flags.integer({description: `with --recent: at most this many messages, the newest (default: ${DEFAULT_RECENT_LINES})`, helpValue: 'N', min: 1, max: Number.MAX_SAFE_INTEGER, dependsOn: ['recent']}),
    'raw-escapes': Flags.boolean({
      description: "text: pass the app's control characters and escape sequences to the terminal as they are (its colours). Off by default: a log line could then retitle, clear or rewrite your terminal, and forge lines",
      exclusive: ['json'],
    }),
    since: Flags.string({description: 'with --recent: only messages since a duration ago (90s, 10m, 1h30m, 2d) or an RFC 3339 time', helpValue: 'DURATION|TIME', dependsOn: ['recent']}),
  }

  static override usage = usageLine(this.args, this.flags)

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Logs)
    const appName = readAppName(args.app)
    const settings = readStreamSettings(flags)
    const startTimeNs = flags.since === undefined ? undefined : parseSince(flags.since)
    const stop = new AbortController()
    const session = await openSession(flags['skip-ssl-validation'], undefined, stop.signal)
    const {config} = session
    const space = requireTargetedSpace(config)
    const cc = {target: config.target, verifyTls: session.verifyTls, signal: stop.signal}
    const renderLog = flags.json ? createJsonLogRenderer(appName) : createTextLogRenderer(await loadChalk(flags.color, process.env, Boolean(process.stdout.isTTY)), {rawEscapes: flags['raw-escapes']})
    // A stream needs the endpoint, resolved first so a refused one (plain ws:// to a remote host)
    // stops before any request; --recent asks for it only on a foundation without Log Cache.
    const endpoint = flags.recent ? undefined : await resolveLoggerEndpoint(session, flags.endpoint)
    const appGuid = await findAppGuid(cc, session.tokens, {name: appName, space, org: config.org})
    if (!endpoint) {
      const loggerEndpoint = async () => resolveLoggerEndpoint(session, flags.endpoint)
      await printRecentLogs({session, appGuid, loggerEndpoint, maxMessages: flags.lines ?? DEFAULT_RECENT_LINES, startTimeNs, render: renderLog})
      return
    }

    const gap = new LogGapFiller(session, appGuid, renderLog)
    process.exitCode = await runStream({
      session,
      url: appStreamUrl(endpoint, appGuid),
      kind: 'app',
      settings,
      stop,
      renderFrame: (frame, out) => gap.renderFrame(frame, out),
      fillGap: async (output, signal) => gap.fillGap(output, signal),
    })
  }
}
