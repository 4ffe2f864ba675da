import {Flags} from '../oclif.js'
import {parseDuration, parseSize} from './units.js'

/** The flags every streaming command takes (../shared/CLI.md "Flags every streaming command takes"). */
export const streamFlags = {
  json: Flags.boolean({description: 'one JSON object per line (NDJSON) instead of text'}),
  endpoint: Flags.string({
    description: 'logger (Traffic Controller) endpoint, e.g. wss://doppler.sys.example.com:4443; overrides discovery',
    env: 'CFWS_LOGGER_ENDPOINT',
  }),
  'skip-ssl-validation': Flags.boolean({description: 'do not verify TLS certificates (also on when the cf config says SSLDisabled)'}),
  color: Flags.boolean({description: 'force colour on or off (default: on only when stdout is a terminal)', allowNo: true}),
  'max-retries': Flags.integer({description: 'give up after N failed reconnects in a row (default: never)', min: 0}),
  'idle-timeout': Flags.string({description: 'reconnect when nothing arrived for this long', default: '45s'}),
  'buffer-size': Flags.string({description: 'bound of the output queue while stdout is slow; oldest lines are dropped past it', default: '16MiB'}),
}

export interface StreamSettings {
  idleTimeoutMs: number
  maxBufferedBytes: number
  maxRetries?: number
}

/** The staying-connected flags in numbers; a bad value is a usage error before anything connects. */
export function readStreamSettings(flags: {'idle-timeout': string; 'buffer-size': string; 'max-retries'?: number}): StreamSettings {
  return {
    idleTimeoutMs: parseDuration(flags['idle-timeout'], '--idle-timeout'),
    maxBufferedBytes: parseSize(flags['buffer-size'], '--buffer-size'),
    maxRetries: flags['max-retries'],
  }
}
