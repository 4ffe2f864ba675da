import {reportUnknownCommand} from '../cli/unknown-command.js'
import {Args, Command, Flags, loadHelpClass} from '../oclif.js'

/**
 * `cfws help [COMMAND]`, as @oclif/plugin-help's command gives it: the same help as `--help`.
 * Ours rather than the plugin's, so that starting cfws loads no plugin.
 */
export default class Help extends Command {
  static override description = 'Display help for <%= config.bin %>.'

  static override args = {
    command: Args.string({description: 'Command to show help for.', required: false}),
  }

  static override flags = {
    'nested-commands': Flags.boolean({char: 'n', description: 'Include all nested commands in the output.'}),
  }

  static override strict = false

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Help)
    const [subject] = argv as string[]
    if (subject !== undefined && !this.config.findCommand(subject)) {
      reportUnknownCommand(subject, this.config.commandIDs)
      return
    }

    const HelpClass = await loadHelpClass(this.config)
    await new HelpClass(this.config, {all: flags['nested-commands']}).showHelp(argv as string[])
  }
}
