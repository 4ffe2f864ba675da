import {ENVELOPE_FIELDS, type Field} from '../envelope/schema.js'
import type {Envelope, Uuid} from '../envelope/types.js'

/**
 * One envelope on one line in protobuf compact text format, as `cf nozzle` prints it
 * (`origin:"rep" eventType:ValueMetric … valueMetric:<name:"x" value:1 unit:"u" >`).
 */
export function renderEnvelopeText(envelope: Envelope): string {
  return writeFields(envelope as Record<string, unknown>, ENVELOPE_FIELDS).trimEnd() + '\n'
}

function writeFields(message: Record<string, unknown>, fields: readonly Field[]): string {
  let out = ''
  for (const field of fields) {
    const value = message[field.key]
    if (value === undefined) continue
    switch (field.kind) {
      case 'message': {
        out += `${field.name}:<${writeFields(value as Record<string, unknown>, field.fields)}> `
        break
      }

      case 'string':
      case 'bytes': {
        out += `${field.name}:${quote(value as string | Uint8Array)} `
        break
      }

      case 'double': {
        out += `${field.name}:${formatDouble(value as number)} `
        break
      }

      case 'uuid': {
        const uuid = value as Uuid
        out += `${field.name}:<${uuid.low === undefined ? '' : `low:${uuid.low} `}${uuid.high === undefined ? '' : `high:${uuid.high} `}> `
        break
      }

      case 'strings': {
        for (const item of value as string[]) out += `${field.name}:${quote(item)} `
        break
      }

      case 'tags': {
        const entries = [...(value as Map<string, string>)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        for (const [key, tag] of entries) out += `${field.name}:<key:${quote(key)} value:${quote(tag)} > `
        break
      }

      default: {
        out += `${field.name}:${'enumName' in field && field.enumName ? field.enumName(value as number) : String(value)} `
      }
    }
  }

  return out
}

const PLAIN = /^[\u0020\u0021\u0023-\u005B\u005D-\u007E]*$/

/**
 * Go's text-format string quoting, byte by byte: `\n \r \t \" \\`, other bytes outside printable
 * ASCII as three-digit octal, so a line never breaks whatever the payload holds.
 */
export function quote(value: string | Uint8Array): string {
  if (typeof value === 'string' && PLAIN.test(value)) return `"${value}"`
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  let out = '"'
  for (const byte of bytes) {
    if (byte === 0x0a) out += '\\n'
    else if (byte === 0x0d) out += '\\r'
    else if (byte === 0x09) out += '\\t'
    else if (byte === 0x22) out += '\\"'
    else if (byte === 0x5c) out += '\\\\'
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte)
    else out += `\\${byte.toString(8).padStart(3, '0')}`
  }

  return out + '"'
}

/** Go's `%v` for a float64: the shortest digits, in exponent form below 1e-4 and from 1e6 on (`1.6e+07`). */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  const [mantissa, exponentText] = value.toExponential().split('e')
  const exponent = Number(exponentText)
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+'
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`
  }

  return String(value)
}
