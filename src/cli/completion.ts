import {DEMO_COMMANDS} from './demo-commands.js'

/** What a shell needs to know of a command to complete it: read from oclif's command list. */
export interface CompletionCommand {
  id: string
  summary: string
  flags: CompletionFlag[]
  /** Words its first argument can be (another command's id for `help`, `logs`/`firehose` for `demo`). */
  argumentWords: string[]
  /** Its first argument's name (`app`), if it takes one, and whether more follow (`logs APP APP…`). */
  argument?: {name: string; repeats: boolean}
}

export interface CompletionFlag {
  name: string
  char?: string
  summary: string
  takesValue: boolean
  /** The values a flag takes, when they are a fixed list. */
  values: string[]
  /** `--[no-]color`: `--no-color` too. */
  negatable: boolean
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const
export type Shell = (typeof SHELLS)[number]

/** oclif's loaded command, as far as completion reads it. */
interface LoadedCommand {
  id: string
  summary?: string
  description?: string
  hidden?: boolean
  flags: Record<
    string,
    {
      name: string
      char?: string
      summary?: string
      description?: string
      type: string
      options?: readonly string[]
      allowNo?: boolean
      hidden?: boolean
    }
  >
  args: Record<string, {options?: readonly string[]}>
  strict?: boolean
}

export function completionCommands(commands: readonly LoadedCommand[]): CompletionCommand[] {
  const visible = commands.filter((command) => !command.hidden).sort((a, b) => a.id.localeCompare(b.id))
  const ids = visible.map((command) => command.id)
  return visible.map((command) => ({
    id: command.id,
    summary: firstSentence(command.summary ?? command.description ?? ''),
    flags: Object.values(command.flags)
      .filter((flag) => !flag.hidden)
      .map((flag) => ({
        name: flag.name,
        char: flag.char,
        summary: firstSentence(flag.summary ?? flag.description ?? ''),
        takesValue: flag.type === 'option',
        values: [...(flag.options ?? [])],
        negatable: flag.type === 'boolean' && flag.allowNo === true,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    argumentWords:
      command.id === 'help'
        ? ids.filter((id) => id !== 'help')
        : command.id === 'demo'
          ? [...DEMO_COMMANDS]
          : [...(Object.values(command.args)[0]?.options ?? [])],
    argument: argumentOf(command),
  }))
}

function argumentOf(command: LoadedCommand): CompletionCommand['argument'] {
  const [name] = Object.keys(command.args)
  return name === undefined ? undefined : {name, repeats: command.strict === false}
}

/** The completion script for a shell: printed by `cfws completion SHELL`, sourced by the shell. */
export function completionScript(shell: Shell, commands: readonly CompletionCommand[]): string {
  switch (shell) {
    case 'bash': {
      return bashScript(commands)
    }

    case 'zsh': {
      return zshScript(commands)
    }

    case 'fish': {
      return fishScript(commands)
    }
  }
}

const GLOBAL_WORDS = ['--help', '--version']
// Room for a description beside the longest flag on an 80-column terminal.
const MENU_WIDTH = 52

function flagWords(flag: CompletionFlag): string[] {
  const words = [`--${flag.name}`]
  if (flag.negatable) words.push(`--no-${flag.name}`)
  if (flag.char) words.push(`-${flag.char}`)
  return words
}

function bashScript(commands: readonly CompletionCommand[]): string {
  const ids = commands.map((command) => command.id)
  const perCommand = commands.map((command) => {
    const valueFlags = command.flags.filter((flag) => flag.takesValue)
    const listed = valueFlags.filter((flag) => flag.values.length > 0)
    const free = valueFlags.filter((flag) => flag.values.length === 0)
    const valueCases = [
      ...listed.map(
        (flag) =>
          `        ${flagWords(flag).join('|')}) COMPREPLY=($(compgen -W ${shellWord(flag.values.join(' '))} -- "$cur")); return ;;`,
      ),
      // A value of the user's own (a URL, a duration): nothing to offer, and not the flags.
      ...(free.length > 0
        ? [`        ${free.flatMap((flag) => flagWords(flag)).join('|')}) COMPREPLY=(); return ;;`]
        : []),
    ]
    const words = shellWord([...command.flags.flatMap((flag) => flagWords(flag)), '--help'].join(' '))
    const wordsHere =
      command.argumentWords.length === 0
        ? `      words=${words}`
        : `      if [[ $cur == -* || $args -gt 0 ]]; then words=${words}; else words=${shellWord(command.argumentWords.join(' '))}; fi`
    return [
      `    ${command.id})`,
      ...(valueCases.length > 0 ? ['      case $prev in', ...valueCases, '      esac'] : []),
      wordsHere,
      '      ;;',
    ].join('\n')
  })
  return `# cfws completion for bash. Load it with: source <(cfws completion bash)
_cfws() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd= args=0 words i
  # The command is the first word that names one; demo's own command (demo logs) takes its place.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in
      -*) ;;
      ${ids.join('|')})
        if [[ -z $cmd || ($cmd == demo && $args -eq 0) ]]; then cmd=\${COMP_WORDS[i]}; args=0; else ((args++)); fi ;;
      *) [[ -n $cmd ]] && ((args++)) ;;
    esac
  done
  case $cmd in
    '') words=${shellWord([...ids, ...GLOBAL_WORDS].join(' '))} ;;
${perCommand.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _cfws cfws
`
}

function zshScript(commands: readonly CompletionCommand[]): string {
  const functions = commands.map((command) => {
    const specs = command.flags.flatMap((flag) => zshFlagSpecs(flag))
    specs.push("'(- *)--help[show help]'")
    if (command.argumentWords.length > 0) {
      const isDemo = command.id === 'demo'
      specs.push(`'1:${isDemo ? 'command' : (command.argument?.name ?? 'topic')}:(${command.argumentWords.join(' ')})'`)
      if (isDemo) specs.push("'*::arg:->args'")
    } else if (command.argument) {
      // Told of though nothing is offered for it (an empty list: an action of ' ' would hide the
      // flags too): _arguments completes no flag after an argument it does not know, so
      // `cfws logs myapp --ti⇥` would complete nothing.
      const {name, repeats} = command.argument
      specs.push(`'${repeats ? '*' : '1'}:${name}:()'`)
    }

    const demoDispatch = command.id === 'demo' ? `\n  [[ $state == args ]] && _cfws_command $line[1]` : ''
    return `_cfws_${command.id}() {
  local state line
  _arguments -s -S \\
    ${specs.join(' \\\n    ')}${demoDispatch}
}`
  })
  const described = commands.map((command) => shellWord(`${command.id}:${command.summary}`)).join(' ')
  return `#compdef cfws
# cfws completion for zsh. Load it with: source <(cfws completion zsh)
# (or save it as _cfws in a directory of $fpath, before compinit runs).
${functions.join('\n\n')}

_cfws_command() {
  case $1 in
    ${commands.map((command) => `(${command.id}) _cfws_${command.id} ;;`).join('\n    ')}
  esac
}

_cfws() {
  local state line
  local -a commands=(${described})
  _arguments -C '(- *)--help[show help]' '(- *)--version[show the version]' '1:command:->command' '*::arg:->args'
  case $state in
    (command) _describe -t commands 'cfws command' commands ;;
    (args) _cfws_command $line[1] ;;
  esac
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _cfws "$@"
else
  compdef _cfws cfws
fi
`
}

function zshFlagSpecs(flag: CompletionFlag): string[] {
  const help = `[${flag.summary.replaceAll(/[[\]:\\]/g, '').replaceAll("'", "'\\''")}]`
  const value = flag.takesValue ? `:${flag.name}:${flag.values.length > 0 ? `(${flag.values.join(' ')})` : ' '}` : ''
  const long = `--${flag.name}${flag.takesValue ? '=' : ''}`
  const names = flag.char
    ? `'(-${flag.char} --${flag.name})'{-${flag.char}${flag.takesValue ? '+' : ''},${long}}`
    : long
  const specs = [`${names}'${help}${value}'`]
  if (flag.negatable) specs.push(`'--no-${flag.name}[${flag.name} off]'`)
  return specs
}

function fishScript(commands: readonly CompletionCommand[]): string {
  const lines = ['# cfws completion for fish. Load it with: cfws completion fish | source', 'complete -c cfws -f']
  const ids = commands.map((command) => command.id).join(' ')
  lines.push(
    `complete -c cfws -n 'not __fish_seen_subcommand_from ${ids}' -l help -d 'show help'`,
    `complete -c cfws -n 'not __fish_seen_subcommand_from ${ids}' -l version -d 'show the version'`,
  )
  for (const command of commands) {
    lines.push(
      `complete -c cfws -n 'not __fish_seen_subcommand_from ${ids}' -a ${command.id} -d ${shellWord(command.summary)}`,
    )
  }

  for (const command of commands) {
    // demo logs takes logs's flags: "seen logs" holds there too.
    const seen = `'__fish_seen_subcommand_from ${command.id}'`
    for (const word of command.argumentWords) lines.push(`complete -c cfws -n ${seen} -a ${word}`)
    for (const flag of command.flags) {
      const short = flag.char ? ` -s ${flag.char}` : ''
      const value = flag.takesValue
        ? flag.values.length > 0
          ? ` -x -a ${shellWord(flag.values.join(' '))}`
          : ' -x'
        : ''
      lines.push(`complete -c cfws -n ${seen}${short} -l ${flag.name}${value} -d ${shellWord(flag.summary)}`)
      if (flag.negatable)
        lines.push(`complete -c cfws -n ${seen} -l no-${flag.name} -d ${shellWord(`${flag.name} off`)}`)
    }
  }

  return `${lines.join('\n')}\n`
}

/** Single-quoted for any of the three shells. */
function shellWord(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`
}

/** The start of a description, its first clause without asides, for a shell's menu. */
function firstSentence(text: string): string {
  // "text: how each line starts: …" → "how each line starts"; "logger (Traffic Controller) endpoint, e.g. …" → "logger endpoint"
  const line = text
    .replaceAll(/\s+/g, ' ')
    .replaceAll('<%= config.bin %>', 'cfws')
    .replaceAll(/ \([^)]*\)/g, '')
    .trim()
    .replace(/^[^:]{1,20}: (?=.)/, '')
  const end = line.search(/[.;:]( |$)|, e\.g\./)
  const clause = end > 0 ? line.slice(0, end) : line
  return clause.length <= MENU_WIDTH ? clause : `${clause.slice(0, clause.lastIndexOf(' ', MENU_WIDTH - 1))}…`
}
