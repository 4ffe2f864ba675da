import type {CloudControllerOptions} from '../cf/cloud-controller.js'
import {findSpaceApps, listSpaceApps, type SpaceApp} from '../cf/space-apps.js'
import type {TokenHolder} from '../cf/tokens.js'
import {compilePattern} from '../envelope/log-filter.js'
import {UsageError} from '../errors.js'
import {Flags} from '../oclif.js'
import {MAX_TIMER_DELAY_MS} from '../timers/long-sleep.js'
import {readAppName} from './flags.js'
import {parseDuration, parseDurationOrZero} from './units.js'

/** How `cfws logs` names several apps, and how it follows and merges them (README "Several apps"). */
export const appFlags = {
  all: Flags.boolean({
    description: 'every app of the targeted space, looked up again every --refresh-apps',
    exclusive: ['app-regex'],
    helpGroup: 'APPS',
  }),
  'app-regex': Flags.string({
    helpValue: 'RE',
    description: 'the apps whose names match this JavaScript regular expression, looked up again every --refresh-apps',
    helpGroup: 'APPS',
  }),
  'refresh-apps': Flags.string({
    helpValue: 'DURATION',
    description: 'with --all or --app-regex: how often the apps are looked up again (+ app, - app on stderr)',
    default: '30s',
    helpGroup: 'APPS',
  }),
  'order-window': Flags.string({
    helpValue: 'DURATION',
    description: 'several apps: merge their lines in timestamp order within this long (0: as they arrive)',
    default: '300ms',
    helpGroup: 'APPS',
  }),
}

/** --refresh-apps and --order-window in milliseconds; a bad one is a usage error before anything connects. */
export function readAppTimings(flags: {'refresh-apps': string; 'order-window': string}): {
  refreshMs: number
  orderWindowMs: number
} {
  return {
    refreshMs: parseDuration(flags['refresh-apps'], '--refresh-apps', MAX_TIMER_DELAY_MS),
    orderWindowMs: parseDurationOrZero(flags['order-window'], '--order-window', MAX_TIMER_DELAY_MS),
  }
}

/** Which apps `cfws logs` tails: names given, every app of the space, or the names a pattern matches. */
export type AppSelection = {names: string[]} | {all: true} | {pattern: RegExp}

/** APP… and `--all`/`--app-regex` read and checked (one way of naming apps) before anything is asked. */
export function readAppSelection(names: readonly string[], flags: {all?: boolean; 'app-regex'?: string}): AppSelection {
  const regex = flags['app-regex']
  if (names.length > 0 && (flags.all || regex !== undefined)) {
    throw new UsageError('INVALID_APP_NAME', `Give app names or ${flags.all ? '--all' : '--app-regex'}, not both`, {
      hint: "See 'cfws logs --help'.",
    })
  }

  if (flags.all) return {all: true}
  if (regex !== undefined) return {pattern: compilePattern(regex, '--app-regex', "'^api-'")}
  if (names.length === 0)
    throw new UsageError('MISSING_APP', 'Missing required argument APP', {
      hint: "Give one or more app names, or --all, or --app-regex RE; see 'cfws logs --help'.",
    })
  return {names: [...new Set(names.map((name) => readAppName(name)))]}
}

/** Whether lines may come from more than one app, and so carry the app's name. */
export function severalApps(selection: AppSelection): boolean {
  return !('names' in selection) || selection.names.length > 1
}

/** How the selection reads in a notice: `/^api-/`, or nothing for --all and names. */
export function describePattern(selection: AppSelection): string | undefined {
  return 'pattern' in selection ? `/${selection.pattern.source}/` : undefined
}

export interface SelectedApps {
  initial: SpaceApp[]
  /** `--all`, `--app-regex`: the apps to tail now, looked up again on every call. */
  discover?: () => Promise<SpaceApp[]>
}

/** The apps to start with, and how to find them again when the set may change. Unknown names are one exit 5. */
export async function selectApps(
  cc: CloudControllerOptions,
  tokens: TokenHolder,
  lookup: {space: {guid: string; name: string}; org: {name: string}},
  selection: AppSelection,
): Promise<SelectedApps> {
  if ('names' in selection) return {initial: await findSpaceApps(cc, tokens, {...lookup, names: selection.names})}
  const matches = 'pattern' in selection ? (app: SpaceApp) => selection.pattern.test(app.name) : () => true
  const discover = async (): Promise<SpaceApp[]> =>
    (await listSpaceApps(cc, tokens, lookup.space)).filter((app) => matches(app))
  return {initial: await discover(), discover}
}
