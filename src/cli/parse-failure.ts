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
  // A value the operator typed may hold a line break: the patterns take one inside a value, and
  // the line that is printed shows it escaped.
  const text = message
    .replace(/\n+See more help with --help$/, '')
    .replaceAll(OCLIF_DIM, '')
    .trim()
  const integer =
    /^Parsing --([\w-]+)\s*\n\s*Expected an integer(?: (greater|less) than or equal to (-?\d+))? but received: (.*)$/s.exec(
      text,
    )
  if (integer) {
    const [, name, side, bound, value] = integer
    const range = side === undefined ? '' : ` ${side === 'greater' ? 'of at least' : 'of at most'} ${bound}`
    return `--${name} takes a whole number${range}, not '${value}'`
  }

  const listed = /^Expected --([\w-]+)=(.*) to be one of: ([^\n]*)$/s.exec(text)
  if (listed) return `--${listed[1]} takes one of ${listed[3]}, not '${listed[2]}'`

  const body = text.replace(/^The following errors? occurred:\n/, '')
  const reasons = new Map<string, string>()
  const keepLines = (lines: string): void => {
    for (const line of lines.split('\n').map((part) => part.trim())) if (line !== '') reasons.set(line, line)
  }

  let kept = 0
  for (const exclusive of body.matchAll(/^ *--([\w-]+)(?:=.*?)? cannot also be provided when using --([\w-]+)$/gms)) {
    keepLines(body.slice(kept, exclusive.index))
    kept = exclusive.index + exclusive[0].length
    // Each of two flags that exclude each other may say so: the pair is said once, as first said.
    const pair = [exclusive[1], exclusive[2]].sort().join(' ')
    if (!reasons.has(pair)) reasons.set(pair, `--${exclusive[1]} and --${exclusive[2]} cannot be used together`)
  }

  keepLines(body.slice(kept))
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
