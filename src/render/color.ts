import type {ChalkInstance, ColorName} from 'chalk'

export type ColorLevel = 0 | 1 | 2 | 3

/**
 * The colour level, decided once: `--color`/`--no-color`, then NO_COLOR (chalk 5 ignores it), then
 * FORCE_COLOR, then whether stdout is a terminal, whose depth is `detected`. Piped output never gets
 * escape codes by default.
 */
export function chooseColorLevel(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean, detected: ColorLevel): ColorLevel {
  if (flag !== undefined) return flag ? Math.max(detected, 1) as ColorLevel : 0
  if (env.NO_COLOR) return 0
  const force = env.FORCE_COLOR
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0
    const level = Number(force)
    return level >= 1 && level <= 3 ? (level as ColorLevel) : Math.max(detected, 1) as ColorLevel
  }

  return isTTY ? Math.max(detected, 1) as ColorLevel : 0
}

/**
 * A chalk for the colour level, or undefined for plain output. chalk, and its look at the terminal,
 * is loaded only when there is colour to write: most runs write to a pipe (a millisecond of each start).
 */
export async function loadChalk(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): Promise<ChalkInstance | undefined> {
  // The terminal's depth only ever raises a level that is at least 1.
  if (chooseColorLevel(flag, env, isTTY, 1) === 0) return undefined
  const {Chalk, supportsColor} = await import('chalk')
  return new Chalk({level: chooseColorLevel(flag, env, isTTY, supportsColor ? supportsColor.level : 1)})
}

// Red is kept for ERR lines, so an instance colour is never mistaken for an error.
const INSTANCE_COLORS: readonly ColorName[] = ['cyan', 'green', 'yellow', 'blue', 'magenta', 'cyanBright', 'greenBright', 'yellowBright', 'blueBright', 'magentaBright']

/** A colour per source instance from a hash of its name, so it stays the same across runs (as stern does). */
export function instanceColor(name: string): ColorName {
  let hash = 0x811c9dc5
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193)
  return INSTANCE_COLORS[(hash >>> 0) % INSTANCE_COLORS.length]
}
