// The dim oclif puts around its reasons on a terminal, and its end; not what the user typed.
// eslint-disable-next-line no-control-regex
const OCLIF_DIM = /\u001B\[(?:2|22)m/g

/**
 * oclif's message for a command line it refused, as one line in the operator's words where
 * oclif's are its own: `--recent=true cannot also be provided when using --for`, `Parsing --tail`
 * above `Expected an integer but received: abc`, `Expected --type=warn to be one of: out, err`.
 * Its heading (`The following error occurred:`), its `See more help with --help` and the colour
 * it gives the reasons on a terminal go; any other reason is kept as it is.
 */
export function describeParseFailure(message: string): string {
  const lines = message
    .replace(/\n+See more help with --help$/, '')
    .replaceAll(OCLIF_DIM, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  return rewordParseFailure(lines[0]?.endsWith(':') && lines.length > 1 ? lines.slice(1) : lines)
}

function rewordParseFailure(lines: readonly string[]): string {
  const integer = /^Parsing --([\w-]+)$/.exec(lines[0] ?? '')
  const integerReason =
    integer && /^Expected an integer(?: (greater|less) than or equal to (-?\d+))? but received: (.*)$/s.exec(lines[1])
  if (integer && integerReason) {
    const [, side, bound, value] = integerReason
    const range = side === undefined ? '' : ` ${side === 'greater' ? 'of at least' : 'of at most'} ${bound}`
    return `--${integer[1]} takes a whole number${range}, not '${value}'`
  }

  const listed = lines.length === 1 && /^Expected --([\w-]+)=(.*) to be one of: (.*)$/s.exec(lines[0])
  if (listed) return `--${listed[1]} takes one of ${listed[3]}, not '${listed[2]}'`

  const reasons = new Map<string, string>()
  for (const line of lines) {
    const exclusive = /^--([\w-]+)(?:=.*)? cannot also be provided when using --([\w-]+)$/s.exec(line)
    // Each of two flags that exclude each other may say so: the pair is said once, as first said.
    const pair = exclusive && [exclusive[1], exclusive[2]].sort().join(' ')
    if (!pair) reasons.set(line, line)
    else if (!reasons.has(pair)) reasons.set(pair, `--${exclusive[1]} and --${exclusive[2]} cannot be used together`)
  }

  return [...reasons.values()].join('; ')
}

/**
 * What to say of unknown flags (oclif's NonExistentFlagsError's `flags`) that users of other tools
 * type by habit, if one is such.
 */
export function unknownFlagHint(flags: unknown, commandId: string): string | undefined {
  const follow = Array.isArray(flags)
    ? (flags as unknown[]).find((flag): flag is string => flag === '-f' || flag === '--follow')
    : undefined
  return commandId === 'logs' && follow !== undefined
    ? `cfws logs follows by default, as 'kubectl logs -f' does: leave out ${follow}.`
    : undefined
}
