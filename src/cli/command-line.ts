/** What of a flag's definition (oclif's, or its manifest's) tells how the command line holds its value. */
export interface CommandLineFlag {
  type: 'boolean' | 'option'
  char?: string
  aliases?: readonly string[]
  charAliases?: readonly string[]
  allowNo?: boolean
  options?: readonly string[]
}

/** One value of a flag on the command line: `argv[index]` from `start` on. */
export interface FlagValue {
  flag: string
  index: number
  start: number
}

/**
 * A word as oclif goes through it: `text`, which is `argv[index]` from `base` on, or, for the
 * letters after a boolean flag's (`-qx` read on as `-x`), a `-` and then the word from `base + 1` on.
 */
interface Word {
  text: string
  index: number
  base: number
}

/**
 * Where each value of a flag stands, read as @oclif/core 4's parser reads a command line
 * (parser/parse.js): `--name value`, `--name=value`, `-c value`, `-cvalue`, `-c=value`, aliases
 * and `--no-name`. The word after a flag that takes a value is that value unless it names a flag
 * (`--include --` takes `--`; `--include --json` is an error oclif gives); what follows the `=` of
 * a word that is no flag as a whole is read as a word of its own (`--quiet=--endpoint`), as are the
 * letters after a boolean flag's; a `--` read as a word ends the flags. Each flag that may be
 * repeated must be `multipleNonGreedy`, as cfws's are: oclif gives a greedy one the plain words
 * that follow too.
 */
export function flagValues(argv: readonly string[], flags: Readonly<Record<string, CommandLineFlag>>): FlagValue[] {
  const findFlag = flagFinder(flags)
  const queue: Word[] = argv.map((text, index) => ({text, index, base: 0}))
  const values: FlagValue[] = []
  const readFlag = ({text, index, base}: Word): boolean => {
    const flag = findFlag(text)
    if (flag === undefined) {
      const equals = text.indexOf('=')
      if (equals === -1) return false
      queue.unshift({text: text.slice(equals + 1), index, base: base + equals + 1})
      if (readFlag({text: text.slice(0, equals), index, base})) return true
      queue.shift()
      return false
    }

    const short = !text.startsWith('--') && text.length > 2
    if (flags[flag].type === 'boolean') {
      if (short) queue.unshift({text: `-${text.slice(2)}`, index, base: base + 1})
    } else if (short) values.push({flag, index, start: base + (text[2] === '=' ? 3 : 2)})
    else {
      const value = queue.shift()
      if (value !== undefined && findFlag(value.text) === undefined)
        values.push({flag, index: value.index, start: value.base})
    }

    return true
  }

  while (queue.length > 0) {
    const word = queue.shift()!
    if (!word.text.startsWith('-') || word.text === '-') continue
    if (word.text === '--') break
    readFlag(word)
  }

  return values
}

/** The flag a word names, as oclif finds it (findLongFlag, findShortFlag): by name or alias, `--no-`, or letter. */
function flagFinder(flags: Readonly<Record<string, CommandLineFlag>>): (text: string) => string | undefined {
  const byName = new Map<string, string>()
  const byLetter = new Map<string, string>()
  for (const [name, flag] of Object.entries(flags)) {
    for (const alias of [name, ...(flag.aliases ?? [])]) byName.set(alias, name)
    for (const letter of [flag.char, ...(flag.charAliases ?? [])]) if (letter) byLetter.set(letter, name)
  }

  return (text) => {
    if (!text.startsWith('-')) return undefined
    if (!text.startsWith('--')) return byLetter.get(text[1])
    const named = byName.get(text.slice(2))
    if (named !== undefined || !text.startsWith('--no-')) return named
    const negated = byName.get(text.slice(5))
    return negated !== undefined && flags[negated].type === 'boolean' && flags[negated].allowNo ? negated : undefined
  }
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
