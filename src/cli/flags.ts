import {UsageError} from '../errors.js'
import {Flags} from '../oclif.js'
import {MAX_TIMER_MS, parseDuration, parseSize} from './units.js'

/** The flags every streaming command takes (../shared/CLI.md "Flags every streaming command takes"). */
export const streamFlags = {
  json: Flags.boolean({description: 'one JSON object per line (NDJSON) instead of text'}),
  endpoint: Flags.string({
    description: 'logger (Traffic Controller) endpoint, e.g. wss://doppler.sys.example.com:4443; overrides discovery',
    env: 'CFWS_LOGGER_ENDPOINT',
    helpValue: 'URL',
  }),
  'skip-ssl-validation': Flags.boolean({description: 'do not verify TLS certificates (also on when the cf config says SSLDisabled)'}),
  color: Flags.boolean({description: 'force colour on or off (default: on only when stdout is a terminal)', allowNo: true}),
  'max-retries': Flags.integer({description: 'give up after N failed reconnects in a row (default: never)', helpValue: 'N', min: 0, max: Number.MAX_SAFE_INTEGER}),
  'idle-timeout': Flags.string({description: 'reconnect when nothing arrived for this long (250ms, 45s, 1h30m)', helpValue: 'DURATION', default: '45s'}),
  'buffer-size': Flags.string({description: 'bound of the output queue while stdout is slow; oldest lines are dropped past it (16MB, 16MiB)', helpValue: 'SIZE', default: '16MiB'}),
}

export interface StreamSettings {
  idleTimeoutMs: number
  maxBufferedBytes: number
  maxRetries?: number
}

/** The staying-connected flags in numbers; a bad value is a usage error before anything connects. */
export function readStreamSettings(flags: {'idle-timeout': string; 'buffer-size': string; 'max-retries'?: number}): StreamSettings {
  return {
    idleTimeoutMs: parseDuration(flags['idle-timeout'], '--idle-timeout', MAX_TIMER_MS),
    maxBufferedBytes: parseSize(flags['buffer-size'], '--buffer-size'),
    maxRetries: flags['max-retries'],
  }
}

/** APP as given: an empty name would ask the Cloud Controller for no name at all. */
export function readAppName(name: string): string {
  if (name.trim() === '') throw new UsageError('INVALID_APP_NAME', 'The app name is empty', {hint: "Give the name of an app in the targeted space, as 'cf apps' lists it."})
  return name
}

/** --subscription-id as given, or undefined when absent; an empty one would connect to `/firehose/`. */
export function readSubscriptionId(id: string | undefined): string | undefined {
  if (id !== undefined && id.trim() === '') {
    throw new UsageError('INVALID_SUBSCRIPTION_ID', 'The --subscription-id is empty', {hint: 'Leave the flag out for a random id, or give the id the other processes use.'})
  }

  return id
}
