import {UsageError} from '../errors.js'
import {type LogMessage, MESSAGE_TYPES} from './types.js'

/** The filters of `cfws logs` as given on the command line (README "Filters"). */
export interface LogFilterOptions {
  /** Source types, each matching itself and what lies below it: `APP` matches `APP/PROC/WEB`. */
  sources?: readonly string[]
  /** Source types left out, each with what lies below it, as `sources` match. */
  excludeSources?: readonly string[]
  instances?: readonly string[]
  type?: 'out' | 'err'
  include?: readonly string[]
  exclude?: readonly string[]
}

/** The source types Cloud Foundry itself gives log lines (README "Filters"). */
export const CF_SOURCE_TYPES = ['API', 'APP', 'CELL', 'LGR', 'RTR', 'SSH', 'STG'] as const

// What a source type Cloud Foundry does not have does to each flag's lines.
const UNKNOWN_SOURCE_EFFECT = {
  '--source': 'only lines of a source of that name will print',
  '--exclude-source': 'it leaves out only lines of a source of that name',
}

/**
 * What to tell of `--source` types that are not Cloud Foundry's: a typo (`RTE`) would otherwise
 * look like a quiet app. Only said, not refused, as a foundation's own components may log under
 * sources of their own.
 */
export function describeUnknownSources(
  values: readonly string[] | undefined,
  flag: keyof typeof UNKNOWN_SOURCE_EFFECT = '--source',
): string | undefined {
  const unknown = listValues(values).filter(
    (source) => !(CF_SOURCE_TYPES as readonly string[]).includes(source.split('/')[0].toUpperCase()),
  )
  if (unknown.length === 0) return undefined
  const named = unknown.map((source) => `'${source}'`).join(', ')
  return `${flag} ${named}: not ${unknown.length === 1 ? 'one' : 'among those'} of Cloud Foundry's source types (${CF_SOURCE_TYPES.join(', ')}); ${UNKNOWN_SOURCE_EFFECT[flag]}`
}

/**
 * What to tell of `--instance` values that are not an instance's index (`web`, `0-2`): Cloud
 * Foundry numbers its instances, so such a value would look like a quiet app. Only said, as for
 * `--source`.
 */
export function describeUnknownInstances(values: readonly string[] | undefined): string | undefined {
  const unknown = listValues(values).filter((instance) => !/^\d+$/.test(instance))
  if (unknown.length === 0) return undefined
  const named = unknown.map((instance) => `'${instance}'`).join(', ')
  return `--instance ${named}: Cloud Foundry numbers instances (0, 1, 2…); only lines of an instance of that name will print`
}

/** Whether a log message is printed; undefined when nothing is filtered. */
export type LogFilter = (log: LogMessage) => boolean

/** `--source APP,RTR --source CELL` → `['APP', 'RTR', 'CELL']`: commas and repeats alike. */
export function listValues(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean)
}

/**
 * A JavaScript regular expression from a flag, or a usage error naming the flag and the pattern:
 * a typo in a pattern must not look like an app that logs nothing. `example`, for the hint: a
 * pattern of the kind the flag takes.
 */
export function compilePattern(pattern: string, flag: string, example = '"timeout|refused"'): RegExp {
  try {
    return new RegExp(pattern)
  } catch (error) {
    throw new UsageError(
      'INVALID_REGEX',
      `Invalid regular expression in ${flag} '${pattern}': ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`,
      {
        hint: `Use a JavaScript regular expression, e.g. ${flag} ${example}; quote it for the shell.`,
      },
    )
  }
}

/**
 * The filters as one test, cheapest first: the header fields are compared as they are, and the
 * message is decoded to text only when a pattern needs it. Patterns apply to the whole message
 * (every line of a stack trace together), `--include` any one of them, `--exclude` none of them.
 */
export function createLogFilter(options: LogFilterOptions): LogFilter | undefined {
  const sources = listValues(options.sources).map((source) => source.toUpperCase())
  const excludeSources = listValues(options.excludeSources).map((source) => source.toUpperCase())
  const instances = new Set(listValues(options.instances))
  const type = options.type === undefined ? undefined : options.type === 'err' ? MESSAGE_TYPES.ERR : MESSAGE_TYPES.OUT
  const include = (options.include ?? []).map((pattern) => compilePattern(pattern, '--include'))
  const exclude = (options.exclude ?? []).map((pattern) => compilePattern(pattern, '--exclude'))
  if (
    sources.length === 0 &&
    excludeSources.length === 0 &&
    instances.size === 0 &&
    type === undefined &&
    include.length === 0 &&
    exclude.length === 0
  )
    return undefined
  return (log) => {
    if (type !== undefined && (log.messageType ?? MESSAGE_TYPES.OUT) !== type) return false
    if (instances.size > 0 && !instances.has(log.sourceInstance ?? '')) return false
    if (sources.length > 0 && !matchesSource(sources, log.sourceType ?? '')) return false
    if (excludeSources.length > 0 && matchesSource(excludeSources, log.sourceType ?? '')) return false
    if (include.length === 0 && exclude.length === 0) return true
    const text = messageText(log)
    if (include.length > 0 && !include.some((pattern) => pattern.test(text))) return false
    return !exclude.some((pattern) => pattern.test(text))
  }
}

function matchesSource(sources: readonly string[], sourceType: string): boolean {
  const upper = sourceType.toUpperCase()
  return sources.some((source) => upper === source || (upper.startsWith(source) && upper[source.length] === '/'))
}

/** The message as the renderers show it: trailing line breaks left out. */
function messageText(log: LogMessage): string {
  const bytes = log.message
  if (!bytes) return ''
  let end = bytes.length
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--
  return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8')
}
