/** What of a flag's definition (oclif's, or its manifest's) tells how the command line holds its value. */
export interface CommandLineFlag {
  type: 'boolean' | 'option'
  char?: string
  options?: readonly string[]
}

/** One value of a flag on the command line: `argv[index]` from `start` on. */
export interface FlagValue {
  flag: string
  index: number
  start: number
}

/**
 * Where each value of a flag stands, read as oclif reads a command line: `--name value`,
 * `--name=value`, `-c value`, `-cvalue` and `-c=value`; the word after a flag that takes a value is
 * that value whatever it looks like (`--include --` takes `--`), and a `--` elsewhere ends the
 * flags. Each flag that may be repeated must be `multipleNonGreedy`, as cfws's are: oclif gives a
 * greedy one the plain words that follow too. Letters of boolean flags run together (`-qx`) are
 * not read apart: cfws has no such pair.
 */
export function flagValues(argv: readonly string[], flags: Readonly<Record<string, CommandLineFlag>>): FlagValue[] {
  const byChar = new Map(Object.entries(flags).flatMap(([name, flag]) => (flag.char ? [[flag.char, name]] : [])))
  const values: FlagValue[] = []
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index]
    if (word === '--') break
    if (!word.startsWith('-') || word === '-') continue
    const long = word.startsWith('--')
    const equals = word.indexOf('=')
    const flag = long ? (equals === -1 ? word : word.slice(0, equals)).slice(2) : byChar.get(word[1])
    if (flag === undefined || flags[flag]?.type !== 'option') continue
    const inline = long
      ? equals === -1
        ? undefined
        : equals + 1
      : word.length > 2
        ? word[2] === '='
          ? 3
          : 2
        : undefined
    if (inline !== undefined) values.push({flag, index, start: inline})
    else if (index + 1 < argv.length) values.push({flag, index: ++index, start: 0})
  }

  return values
}

/**
 * The command line with each value of a flag that takes a fixed list of lower-case words written in
 * that list's case: `--type ERR` as `--type err`, `--timestamps=UTC` as `--timestamps=utc`. cfws
 * prints `ERR` and `UTC`, so that is what people type; oclif compares the words exactly, before
 * any parse function of the flag's own could fold them.
 */
export function foldListedValues(argv: readonly string[], flags: Readonly<Record<string, CommandLineFlag>>): string[] {
  const folded = [...argv]
  for (const {flag, index, start} of flagValues(argv, flags)) {
    const {options} = flags[flag]
    if (!options?.length || options.some((option) => option !== option.toLowerCase())) continue
    const value = folded[index].slice(start)
    if (options.includes(value.toLowerCase())) folded[index] = `${folded[index].slice(0, start)}${value.toLowerCase()}`
  }

  return folded
}
