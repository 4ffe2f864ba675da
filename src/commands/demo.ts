import {BaseCommand} from '../cli/base-command.js'
import {flagValues} from '../cli/command-line.js'
import {DEMO_COMMANDS} from '../cli/demo-commands.js'
import {infoOnceWorkStarts} from '../cli/notice.js'
import {DEMO_APP_NAMES} from '../demo/catalog.js'
import {UsageError} from '../errors.js'

export default class Demo extends BaseCommand {
  static override summary = 'Try cfws without a foundation: logs or firehose against a Cloud Foundry on this machine'
  static override description = `Starts a Cloud Controller, UAA, Log Cache and a Traffic Controller on 127.0.0.1, with apps that log (${DEMO_APP_NAMES.join(', ')}), and runs the real command against them, with all its flags (see 'cfws logs --help' and 'cfws firehose --help'). Your cf config is not read or changed. Ends like the command: Ctrl-C, or a reader that closes the pipe.`
  static override usage = ['demo logs APP [FLAGS]', 'demo firehose [FLAGS]']
  static override examples = [
    '<%= config.bin %> demo logs web',
    '<%= config.bin %> demo logs worker --recent',
    '<%= config.bin %> demo firehose --filter ValueMetric',
    '<%= config.bin %> demo logs web --json | head -3',
  ]

  // Everything after `demo` belongs to the command it runs, which parses it.
  static override strict = false

  async run(): Promise<void> {
    const [command, ...args] = this.argv
    if (!DEMO_COMMANDS.includes(command)) {
      throw new UsageError(
        'INVALID_DEMO_COMMAND',
        command === undefined
          ? 'demo needs a command: logs APP or firehose'
          : `demo runs logs or firehose, not '${command}'`,
        {
          hint: `Try 'cfws demo logs web', 'cfws demo logs worker --recent' or 'cfws demo firehose --filter ValueMetric'.`,
        },
      )
    }

    // The command parses its flags only once the foundation runs: an endpoint given would take
    // the demo's login off this machine. Read as oclif will read them (`--include --endpoint=x` is a pattern).
    const commandFlags = this.config.findCommand(command)?.flags ?? {}
    if (flagValues(args, commandFlags).some(({flag}) => flag === 'endpoint')) {
      throw new UsageError(
        'DEMO_ENDPOINT',
        'demo streams from its own Traffic Controller: --endpoint cannot be given',
        {
          hint: `Leave out --endpoint, or 'demo' to run 'cfws ${command}' against your foundation.`,
        },
      )
    }

    // Loaded only here: the demo's servers and stories are a bundle of their own (scripts/build.mjs).
    const {startDemoFoundation} = await import('../demo/foundation.js')
    const foundation = await startDemoFoundation()
    // The run must reach the demo and nothing else: its login, not the user's endpoint or UAA client.
    process.env.CF_HOME = foundation.cfHome
    for (const name of ['CFWS_LOGGER_ENDPOINT', 'CFWS_CLIENT_ID', 'CFWS_CLIENT_SECRET']) delete process.env[name]
    // Said once the command has checked its flags: not above a usage error, not with --quiet.
    infoOnceWorkStarts(
      `demo: a Cloud Foundry on this machine (${foundation.apiUrl}) with apps ${DEMO_APP_NAMES.join(', ')}; your cf config is left alone`,
    )
    try {
      await this.config.runCommand(command, args)
    } finally {
      await foundation.close()
    }
  }
}
