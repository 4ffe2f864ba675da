import {BaseCommand} from '../cli/base-command.js'
import {drained} from '../cli/drained.js'
import {readAppName} from '../cli/flags.js'
import {runDoctor} from '../cli/run-doctor.js'
import {usageLine} from '../cli/usage.js'
import {localeIsUtf8} from '../doctor/report-text.js'
import {type EndingSignal, SIGNAL_EXIT_CODES} from '../errors.js'
import {Args, Flags} from '../oclif.js'
import {loadChalk} from '../render/color.js'

// Ctrl-C ends a doctor run at once: a reader that takes nothing gets a second, not more.
const INTERRUPTED_FLUSH_MS = 1000

export default class Doctor extends BaseCommand {
  static override summary = 'Find out why logs do not stream, and which endpoint would work'
  static override examples = [
    '<%= config.bin %> doctor myapp',
    '<%= config.bin %> doctor --firehose',
    '<%= config.bin %> doctor myapp --json > doctor-report.json   # for a support ticket',
  ]

  static override args = {
    app: Args.string({
      description: 'app in the targeted space whose stream to try (without it: everything but the stream)',
      required: false,
    }),
  }
  static override flags = {
    firehose: Flags.boolean({
      description:
        'try the firehose instead of an app stream (needs the doppler.firehose scope); an APP given too is still looked up and read from Log Cache',
    }),
    probe: Flags.boolean({description: 'try the other ports and hosts of the foundation even when the endpoint works'}),
    json: Flags.boolean({description: 'the whole report as one JSON document'}),
    endpoint: Flags.string({
      description: 'logger (Traffic Controller) endpoint to check instead of the discovered one',
      env: 'CFWS_LOGGER_ENDPOINT',
      helpValue: 'URL',
    }),
    'skip-ssl-validation': Flags.boolean({
      description: 'do not verify TLS certificates (also on when the cf config says SSLDisabled)',
    }),
    color: Flags.boolean({
      description: 'force colour on or off; --no-color also writes ok/FAIL/warn instead of ✓ ✗ !',
      allowNo: true,
    }),
  }

  static override usage = usageLine(this.args, this.flags)

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Doctor)
    const app = args.app === undefined ? undefined : readAppName(args.app)
    const stop = new AbortController()
    // Text is already on stdout; --json writes what was found as the run aborts. Either way the
    // process ends once stdout has it, or after a second of a reader that takes nothing.
    const onSignal = (name: EndingSignal): void => {
      stop.abort(name)
      const exit = (): never => process.exit(SIGNAL_EXIT_CODES[name])
      void drained(process.stdout).then(exit)
      setTimeout(exit, INTERRUPTED_FLUSH_MS).unref()
    }

    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
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
