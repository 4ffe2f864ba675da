import type {ChalkInstance, ColorName} from 'chalk'

export type ColorLevel = 0 | 1 | 2 | 3

/**
 * The colour level, decided once: `--color`/`--no-color`, then NO_COLOR (chalk 5 ignores it), then
 * FORCE_COLOR, then whether stdout is a terminal (not TERM=dumb), whose depth is `detected`. Piped
 * output never gets escape codes by default.
 */
export function chooseColorLevel(
  flag: boolean | undefined,
  env: NodeJS.ProcessEnv,
  isTTY: boolean,
  detected: ColorLevel,
): ColorLevel {
  if (flag !== undefined) return flag ? (Math.max(detected, 1) as ColorLevel) : 0
  if (env.NO_COLOR) return 0
  const force = env.FORCE_COLOR
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0
    const level = Number(force)
    return level >= 1 && level <= 3 ? (level as ColorLevel) : (Math.max(detected, 1) as ColorLevel)
  }

  return isTTY && takesEscapeCodes(env.TERM) ? (Math.max(detected, 1) as ColorLevel) : 0
}

/** Whether a terminal of this TERM takes escape codes: `dumb` (Emacs' M-x shell, some IDE consoles) does not. */
export function takesEscapeCodes(term: string | undefined): boolean {
  return term !== 'dumb'
}

/**
 * A chalk for the colour level, or undefined for plain output. chalk, and its look at the terminal,
 * is loaded only when there is colour to write: most runs write to a pipe (a millisecond of each start).
 */
export async function loadChalk(
  flag: boolean | undefined,
  env: NodeJS.ProcessEnv,
  isTTY: boolean,
): Promise<ChalkInstance | undefined> {
  // The terminal's depth only ever raises a level that is at least 1.
  if (chooseColorLevel(flag, env, isTTY, 1) === 0) return undefined
  const {Chalk, supportsColor} = await import('chalk')
  return new Chalk({level: chooseColorLevel(flag, env, isTTY, supportsColor ? supportsColor.level : 1)})
}

// Red is kept for ERR lines, so an instance colour is never mistaken for an error; plain blue and
// black are hard to read on a dark terminal, white and gray on a light one.
const BASIC_COLORS: readonly ColorName[] = [
  'cyan',
  'green',
  'yellow',
  'magenta',
  'cyanBright',
  'greenBright',
  'yellowBright',
  'magentaBright',
  'blueBright',
]
// Where the terminal has 256 colours: mid-bright hues of the 6×6×6 cube, readable on dark and
// light backgrounds alike, none of them red or pink.
const COLORS_256: readonly number[] = [33, 37, 39, 43, 62, 69, 71, 78, 98, 105, 130, 135, 136, 141, 142, 172, 178, 208]

/**
 * A source instance's colour, from a hash of its name so it stays the same across runs (as stern
 * does): one of 18 on a 256-colour terminal, of 9 on a 16-colour one.
 */
export function instanceColor(chalk: ChalkInstance, name: string): (text: string) => string {
  // FNV-1a and murmur3's finaliser, from a seed picked so that an app's usual sources (WEB/0-2,
  // RTR/0-1, API/0-1, STG/0, CELL/0) all differ among 18 colours, and the first six among 9.
  let hash = 0x4d7ed8b8
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193)
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  hash >>>= 0
  return chalk.level >= 2
    ? chalk.ansi256(COLORS_256[hash % COLORS_256.length])
    : chalk[BASIC_COLORS[hash % BASIC_COLORS.length]]
}
