/** What a usage line needs to know of a flag: the fields oclif's flag definitions carry. */
export interface UsageFlag {
  type: 'boolean' | 'option'
  allowNo?: boolean
  helpValue?: string | string[]
  multiple?: boolean
  required?: boolean
  hidden?: boolean
  dependsOn?: string[]
  exclusive?: string[]
}

export interface UsageArg {
  required?: boolean
  hidden?: boolean
}

/**
 * A command's usage line (`APP [--json | --raw-escapes] [--[no-]color] [--recent [--lines N]]`),
 * for its `static usage`. oclif's own line shows `--[no-]color` as `[--color]` and leaves a
 * stray space (`[--since <value> ]`) when two flags depend on the same one. Here a flag that
 * depends on another stands inside that one's brackets, flags that depend on each other stand
 * together, and exclusive ones are alternatives in one pair of brackets.
 */
export function usageLine(args: Record<string, UsageArg>, flags: Record<string, UsageFlag>): string {
  const visible = new Map(Object.entries(flags).filter(([, flag]) => !flag.hidden))
  // Worked out once per flag, not on every look: this runs at start-up for each command of the
  // bundle, before V8 has compiled it, and looking them up afresh made it cubic in the flags (1–2 ms).
  const dependsOn = new Map(
    [...visible].map(([name, flag]) => [name, (flag.dependsOn ?? []).filter((other) => visible.has(other))]),
  )
  const together = (a: string, b: string): boolean => dependsOn.get(a)!.includes(b) && dependsOn.get(b)!.includes(a)
  const excludes = (a: string, b: string): boolean =>
    Boolean(visible.get(a)?.exclusive?.includes(b) || visible.get(b)?.exclusive?.includes(a))
  // A flag that needs one other flag (and is not needed by it) is written within that one.
  const parentOf = new Map(
    [...dependsOn].map(([name, needs]) => {
      const parents = needs.filter((other) => !together(name, other))
      return [name, parents.length === 1 ? parents[0] : undefined]
    }),
  )

  const placed = new Set<string>()
  const render = (name: string): string => {
    placed.add(name)
    const partners = [...visible.keys()].filter(
      (other) => other !== name && together(name, other) && !placed.has(other),
    )
    for (const partner of partners) placed.add(partner)
    const children = [...visible.keys()].filter((child) => parentOf.get(child) === name && !placed.has(child))
    return [name, ...partners]
      .map((flag) => flagWords(flag, visible.get(flag)!))
      .concat(children.map((child) => `[${render(child)}]`))
      .join(' ')
  }

  const words = Object.entries(args)
    .filter(([, arg]) => !arg.hidden)
    .map(([name, arg]) => (arg.required ? name.toUpperCase() : `[${name.toUpperCase()}]`))
  for (const name of visible.keys()) {
    if (placed.has(name) || parentOf.get(name) !== undefined) continue
    const alternatives = [
      name,
      ...[...visible.keys()].filter(
        (other) => other !== name && !placed.has(other) && parentOf.get(other) === undefined && excludes(name, other),
      ),
    ]
    const group = alternatives.map((flag) => render(flag)).join(' | ')
    words.push(visible.get(name)!.required && alternatives.length === 1 ? group : `[${group}]`)
  }

  return words.join(' ')
}

function flagWords(name: string, flag: UsageFlag): string {
  if (flag.type === 'boolean') return flag.allowNo ? `--[no-]${name}` : `--${name}`
  const value = typeof flag.helpValue === 'string' ? flag.helpValue : (flag.helpValue?.join(' ') ?? '<value>')
  return `--${name} ${value}${flag.multiple ? '...' : ''}`
}
