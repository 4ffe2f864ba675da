import {BaseCommand} from '../cli/base-command.js'
import {completionCommands, completionScript, SHELLS} from '../cli/completion.js'
import {Args} from '../oclif.js'

export default class Completion extends BaseCommand {
  static override summary = 'Print the shell completion script for bash, zsh or fish'
  static override description =
    "Completes commands, flags and the values of flags and arguments that take a fixed list (--timestamps, --type, demo's command). Load it in the shell's start-up file: see the examples."
  static override examples = [
    'source <(<%= config.bin %> completion bash)   # in ~/.bashrc',
    'source <(<%= config.bin %> completion zsh)    # in ~/.zshrc, after compinit',
    '<%= config.bin %> completion fish > ~/.config/fish/completions/<%= config.bin %>.fish',
  ]

  static override args = {shell: Args.string({description: 'the shell', options: [...SHELLS], required: true})}

  async run(): Promise<void> {
    const {args} = await this.parse(Completion)
    const commands = completionCommands(this.config.commands)
    process.stdout.write(completionScript(args.shell as (typeof SHELLS)[number], commands))
  }
}
