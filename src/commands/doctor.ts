import {BaseCommand} from '../cli/base-command.js'
import {readAppName} from '../cli/flags.js'
import {runDoctor} from '../cli/run-doctor.js'
import {localeIsUtf8} from '../doctor/report-text.js'
import {ExitCode} from '../errors.js'
import {Args, Flags} from '../oclif.js'
import {loadChalk} from '../render/color.js'

export default class Doctor extends BaseCommand {
  static override summary = 'Find out why logs do not stream, and which endpoint would work'
  static override examples = [
    '<%= config.bin %> doctor myapp',
    '<%= config.bin %> doctor --firehose',
    '<%= config.bin %> doctor myapp --json > doctor-report.json   # for a support ticket',
  ]

  static override args = {app: Args.string({description: 'app in the targeted space whose stream to try (without it: everything but the stream)', required: false})}
  static override flags = {
    firehose: Flags.boolean({description: 'try the firehose instead of an app stream (needs the doppler.firehose scope); an APP given too is still looked up and read from Log Cache'}),
    probe: Flags.boolean({description: 'try the other ports and hosts of the foundation even when the endpoint works'}),
    json: Flags.boolean({description: 'the whole report as one JSON document'}),
    endpoint: Flags.string({description: 'logger (Traffic Controller) endpoint to check instead of the discovered one', env: 'CFWS_LOGGER_ENDPOINT'}),
    'skip-ssl-validation': Flags.boolean({description: 'do not verify TLS certificates (also on when the cf config says SSLDisabled)'}),
    color: Flags.boolean({description: 'force colour on or off; --no-color also writes ok/FAIL/warn instead of ✓ ✗ !', allowNo: true}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Doctor)
    const app = args.app === undefined ? undefined : readAppName(args.app)
    const stop = new AbortController()
    // Nothing to flush or close cleanly: what was found is already on stdout.
    process.once('SIGINT', () => process.exit(ExitCode.sigint))
    process.once('SIGTERM', () => process.exit(ExitCode.sigterm))
    const chalk = flags.json ? undefined : await loadChalk(flags.color, process.env, Boolean(process.stdout.isTTY))
    process.exitCode = await runDoctor({
      app,
      firehose: flags.firehose,
      probe: flags.probe,
      endpointFlag: flags.endpoint,
      skipSslValidation: flags['skip-ssl-validation'],
      json: flags.json,
      style: {symbols: flags.color !== false && localeIsUtf8(process.env), chalk},
      signal: stop.signal,
    })
  }
}
