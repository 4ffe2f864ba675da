import {formatUuid} from '../envelope/names.js'
import {ENVELOPE_FIELDS, type Field} from '../envelope/schema.js'
import type {Envelope, Uuid} from '../envelope/types.js'

const decoder = new TextDecoder('utf-8', {fatal: false})

/**
 * The whole envelope as one JSON line (../shared/CLI.md "JSON output"): `.proto` field names,
 * enums by name, absent fields left out, 64-bit integers as exact JSON numbers (written from
 * bigint digits, never through a double), bytes as UTF-8 text, UUIDs as `8-4-4-4-12`.
 */
export function renderEnvelopeJson(envelope: Envelope): string {
  return writeObject(envelope as Record<string, unknown>, ENVELOPE_FIELDS) + '\n'
}

function writeObject(message: Record<string, unknown>, fields: readonly Field[]): string {
  let out = ''
  for (const field of fields) {
    const value = message[field.key]
    if (value === undefined) continue
    out += `${out ? ',' : ''}"${field.name}":${writeValue(field, value)}`
  }

  return `{${out}}`
}

function writeValue(field: Field, value: unknown): string {
  switch (field.kind) {
    case 'message': {
      return writeObject(value as Record<string, unknown>, field.fields)
    }

    case 'bytes': {
      return JSON.stringify(decoder.decode(value as Uint8Array))
    }

    case 'int64': {
      return (value as bigint).toString()
    }

    case 'double': {
      // JSON has no NaN or Infinity; the proto JSON mapping writes them as strings.
      return Number.isFinite(value) ? JSON.stringify(value) : `"${String(value)}"`
    }

    case 'uuid': {
      const uuid = value as Uuid
      return `"${formatUuid(uuid.low, uuid.high)}"`
    }

    case 'tags': {
      return JSON.stringify(Object.fromEntries(value as Map<string, string>))
    }

    case 'int32': {
      return JSON.stringify(field.enumName ? field.enumName(value as number) : value)
    }

    default: {
      return JSON.stringify(value)
    }
  }
}
