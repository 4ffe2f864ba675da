import {UsageError} from '../errors.js'
import {EVENT_TYPES, type EventTypeName} from './types.js'

const NAMES = Object.keys(EVENT_TYPES) as EventTypeName[]

/**
 * `--filter logmessage,ValueMetric` → the event type numbers, case-insensitive; undefined without
 * the flag: every envelope, of a type cfws does not know too (a Heartbeat, a newer one).
 */
export function parseEventTypeFilter(values: readonly string[] | undefined): Set<number> | undefined {
  if (values === undefined) return undefined
  const wanted = values
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter(Boolean)
  // `--filter "$TYPES"` with TYPES unset must not quietly become the whole firehose.
  if (wanted.length === 0) {
    throw new UsageError('UNKNOWN_EVENT_TYPE', 'The --filter names no event type', {
      hint: `Give one or more of ${NAMES.join(', ')}, or leave --filter out for every envelope.`,
    })
  }

  const types = new Set<number>()
  for (const name of wanted) {
    const match = NAMES.find((known) => known.toLowerCase() === name.toLowerCase())
    if (!match) {
      throw new UsageError('UNKNOWN_EVENT_TYPE', `Unknown event type '${name}' in --filter`, {
        hint: `Valid types: ${NAMES.join(', ')}.`,
      })
    }

    types.add(EVENT_TYPES[match])
  }

  return types
}

/**
 * What the Traffic Controller can filter itself (PROTOCOL.md §5): `logs` (LogMessage only) or
 * `metrics` (every other type). The client filters too, since the server's classes are coarser.
 */
export function serverFilterFor(types: ReadonlySet<number> | undefined): 'logs' | 'metrics' | undefined {
  if (types === undefined) return undefined
  if (types.size === 1 && types.has(EVENT_TYPES.LogMessage)) return 'logs'
  if (!types.has(EVENT_TYPES.LogMessage)) return 'metrics'
  return undefined
}
