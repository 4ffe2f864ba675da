import {type LogMessage, MESSAGE_TYPES} from '../envelope/types.js'

/**
 * A Log Cache v2 log envelope in JSON (PROTOCOL.md §7) as the v1 LogMessage that the renderers
 * take, so recent and streamed lines look the same. Older servers write camelCase names. Anything
 * that is not a log, or has no usable timestamp, is undefined.
 */
export function logMessageFromV2(value: unknown): LogMessage | undefined {
  const envelope = value as Record<string, unknown> | null
  const log = envelope?.log as {payload?: unknown; type?: unknown} | undefined
  if (!envelope || !log || typeof log !== 'object') return undefined
  const timestamp = parseNanoseconds(envelope.timestamp)
  if (timestamp === undefined) return undefined
  const tags = (envelope.tags ?? {}) as Record<string, unknown>
  return {
    message: typeof log.payload === 'string' ? Buffer.from(log.payload, 'base64') : new Uint8Array(),
    messageType: log.type === 'ERR' || log.type === 1 ? MESSAGE_TYPES.ERR : MESSAGE_TYPES.OUT,
    timestamp,
    sourceType: stringOf(tags.source_type ?? tags.sourceType),
    sourceInstance: stringOf(envelope.instance_id ?? envelope.instanceId),
  }
}

function parseNanoseconds(value: unknown): bigint | undefined {
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value)
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value)
  return undefined
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : ''
}
