import {
  compilePattern,
  createLogFilter,
  describeUnknownInstances,
  describeUnknownSources,
  type LogFilter,
} from '../envelope/log-filter.js'
import {UsageError} from '../errors.js'
import {Flags} from '../oclif.js'
import {MAX_TIMER_DELAY_MS} from '../timers/long-sleep.js'
import {parseDuration, parseSize} from './units.js'

/** The flags every streaming command takes (../shared/CLI.md "Flags every streaming command takes"). */
export const streamFlags = {
  json: Flags.boolean({description: 'one JSON object per line (NDJSON) instead of text'}),
  endpoint: Flags.string({
    description: 'logger (Traffic Controller) endpoint, e.g. wss://doppler.sys.example.com:4443; overrides discovery',
    env: 'CFWS_LOGGER_ENDPOINT',
    helpValue: 'URL',
  }),
  'skip-ssl-validation': Flags.boolean({
    description: 'do not verify TLS certificates (also on when the cf config says SSLDisabled)',
  }),
  color: Flags.boolean({
    description: 'force colour on or off (default: on only when stdout is a terminal)',
    allowNo: true,
  }),
  'max-retries': Flags.integer({
    description: 'give up after N failed reconnects in a row (default: never)',
    helpValue: 'N',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
  }),
  'idle-timeout': Flags.string({
    description: 'reconnect when nothing arrived for this long (250ms, 45s, 1h30m)',
    helpValue: 'DURATION',
    default: '45s',
  }),
  'buffer-size': Flags.string({
    description: 'bound of the output queue while stdout is slow; oldest lines are dropped past it (16MB, 16MiB)',
    helpValue: 'SIZE',
    default: '16MiB',
  }),
  quiet: Flags.boolean({
    char: 'q',
    description:
      'no notices on stderr (the start, reconnects, backfills, apps found or gone, the firehose subscription id); warnings of lost lines and errors still show',
  }),
}

export interface StreamSettings {
  idleTimeoutMs: number
  maxBufferedBytes: number
  maxRetries?: number
}

/** The staying-connected flags in numbers; a bad value is a usage error before anything connects. */
export function readStreamSettings(flags: {
  'idle-timeout': string
  'buffer-size': string
  'max-retries'?: number
}): StreamSettings {
  return {
    idleTimeoutMs: parseDuration(flags['idle-timeout'], '--idle-timeout', MAX_TIMER_DELAY_MS),
    maxBufferedBytes: parseSize(flags['buffer-size'], '--buffer-size'),
    maxRetries: flags['max-retries'],
  }
}

/** APP as given: an empty name would ask the Cloud Controller for no name at all. */
export function readAppName(name: string): string {
  if (name.trim() === '')
    throw new UsageError('INVALID_APP_NAME', 'The app name is empty', {
      hint: "Give the name of an app in the targeted space, as 'cf apps' lists it.",
    })
  return name
}

/**
 * --subscription-id as given, or undefined when absent. An empty one would connect to `/firehose/`,
 * and `.` or `..`, which a URL's path resolves, to `/firehose/` or `/`.
 */
export function readSubscriptionId(id: string | undefined): string | undefined {
  if (id === undefined) return undefined
  const problem = id.trim() === '' ? 'is empty' : id === '.' || id === '..' ? `cannot be '${id}'` : undefined
  if (problem) {
    throw new UsageError('INVALID_SUBSCRIPTION_ID', `The --subscription-id ${problem}`, {
      hint: 'Leave the flag out for a random id, or give the id the other processes use.',
    })
  }

  return id
}

/**
 * What `cfws logs` prints of a stream or its history (README "Filters"). Each takes one value a
 * time (multipleNonGreedy): oclif would give a repeatable flag the app names after it as well
 * (`--source APP web` would look for an app it was never given).
 */
export const logFilterFlags = {
  source: Flags.string({
    helpValue: 'SOURCE',
    description: 'only these source types, comma-separated or repeated; APP matches APP/PROC/WEB and APP/TASK/…',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'FILTER',
  }),
  'exclude-source': Flags.string({
    helpValue: 'SOURCE',
    description: 'no lines of these source types (RTR: no router lines), matched as --source matches',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'FILTER',
  }),
  instance: Flags.string({
    helpValue: 'N',
    description: 'only these source instances (0,2), comma-separated or repeated',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'FILTER',
  }),
  type: Flags.string({
    helpValue: 'out|err',
    description: 'only OUT or ERR lines',
    options: ['out', 'err'],
    helpGroup: 'FILTER',
  }),
  include: Flags.string({
    helpValue: 'RE',
    description: 'only messages matching one of these JavaScript regular expressions (repeatable)',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'FILTER',
  }),
  exclude: Flags.string({
    helpValue: 'RE',
    description: 'no message matching any of these JavaScript regular expressions (repeatable)',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'FILTER',
  }),
  highlight: Flags.string({
    helpValue: 'RE',
    description: 'show what matches this regular expression in reverse video (text, when colour is on)',
    helpGroup: 'FILTER',
  }),
}

export interface LogFilterFlags {
  source?: string[]
  'exclude-source'?: string[]
  instance?: string[]
  type?: string
  include?: string[]
  exclude?: string[]
  highlight?: string
}

/**
 * The filter flags read and checked (a bad pattern is a usage error) before anything connects;
 * `notices`: what to tell the operator of --source types and --instance values that Cloud Foundry
 * does not have, which would print nothing.
 */
export function readLogFilter(flags: LogFilterFlags): {
  filter?: LogFilter
  highlight?: RegExp
  notices: string[]
} {
  return {
    notices: [
      describeUnknownSources(flags.source),
      describeUnknownSources(flags['exclude-source'], '--exclude-source'),
      describeUnknownInstances(flags.instance),
    ].filter((notice) => notice !== undefined),
    filter: createLogFilter({
      sources: flags.source,
      excludeSources: flags['exclude-source'],
      instances: flags.instance,
      type: flags.type as 'out' | 'err' | undefined,
      include: flags.include,
      exclude: flags.exclude,
    }),
    highlight: flags.highlight === undefined ? undefined : compilePattern(flags.highlight, '--highlight'),
  }
}
