/** What of a flag's definition tells whether its value is one of a fixed list, and the flag's letter. */
export interface ListedFlag {
  char?: string
  options?: readonly string[]
}

/**
 * The command line with each value of a flag that takes a fixed list of lower-case words written in
 * that list's case: `--type ERR` as `--type err`, `--timestamps=UTC` as `--timestamps=utc`. cfws
 * prints `ERR` and `UTC`, so that is what people type; oclif compares the words exactly, before
 * any parse function of the flag's own could fold them. Words after `--` are left alone.
 */
export function foldListedValues(argv: readonly string[], flags: Readonly<Record<string, ListedFlag>>): string[] {
  const listed = new Map<string, readonly string[]>()
  for (const [name, flag] of Object.entries(flags)) {
    if (!flag.options?.length || flag.options.some((option) => option !== option.toLowerCase())) continue
    listed.set(`--${name}`, flag.options)
    if (flag.char) listed.set(`-${flag.char}`, flag.options)
  }

  const fold = (options: readonly string[], value: string): string =>
    options.includes(value.toLowerCase()) ? value.toLowerCase() : value
  const folded = [...argv]
  for (let index = 0; index < folded.length; index++) {
    const word = folded[index]
    if (word === '--') break
    const equals = word.indexOf('=')
    const options = listed.get(equals === -1 ? word : word.slice(0, equals))
    if (!options) continue
    if (equals !== -1) folded[index] = `${word.slice(0, equals + 1)}${fold(options, word.slice(equals + 1))}`
    else if (index + 1 < folded.length) {
      folded[index + 1] = fold(options, folded[index + 1])
      index++
    }
  }

  return folded
}
