import {ENVELOPE_FIELDS, type Field} from '../envelope/schema.js'
import type {Envelope} from '../envelope/types.js'

/**
 * One envelope on one line in protobuf compact text format, as `cf nozzle` prints it
 * (`origin:"rep" eventType:ValueMetric … valueMetric:<name:"x" value:1 unit:"u" >`).
 */
export function renderEnvelopeText(envelope: Envelope): string {
  return writeEnvelope(envelope) + '\n'
}

type Writer = (message: unknown) => string

/**
 * The field table compiled, once, into one function per message with literal property names:
 * a generic walk (`message[field.key]`) was megamorphic and took half the firehose's CPU time.
 * Each compiled writer returns its fields as ` name:value` pieces (a leading space each).
 */
function compile(fields: readonly Field[]): Writer {
  const helpers: unknown[] = []
  const helper = (value: unknown): string => `h[${helpers.push(value) - 1}]`
  let body = "let out = '', v\n"
  for (const field of fields) {
    body += `v = m.${field.key}\nif (v !== undefined) `
    switch (field.kind) {
      case 'message': {
        body += `{ const inner = ${helper(compile(field.fields))}(v); out += ' ${field.name}:<' + (inner === '' ? '' : inner.slice(1) + ' ') + '>' }\n`
        break
      }

      case 'string':
      case 'bytes': {
        body += `out += ' ${field.name}:' + ${helper(quote)}(v)\n`
        break
      }

      case 'double': {
        body += `out += ' ${field.name}:' + ${helper(formatDouble)}(v)\n`
        break
      }

      case 'uuid': {
        body += `out += ' ${field.name}:<' + (v.low === undefined ? '' : 'low:' + v.low + ' ') + (v.high === undefined ? '' : 'high:' + v.high + ' ') + '>'\n`
        break
      }

      case 'strings': {
        body += `for (const item of v) out += ' ${field.name}:' + ${helper(quote)}(item)\n`
        break
      }

      case 'tags': {
        body += `out += ${helper(writeTags)}(v)\n`
        break
      }

      default: {
        body += field.enumName ? `out += ' ${field.name}:' + ${helper(field.enumName)}(v)\n` : `out += ' ${field.name}:' + v\n`
      }
    }
  }

  // eslint-disable-next-line no-new-func -- code generated from our own field table, never from input
  return new Function('h', `return function (m) {\n${body}return out\n}`)(helpers) as Writer
}

const writeFields = compile(ENVELOPE_FIELDS)

function writeEnvelope(envelope: Envelope): string {
  return writeFields(envelope).slice(1)
}

/** Map entries sorted by key, as Go's text marshaler writes them. */
function writeTags(tags: Map<string, string>): string {
  let previous = ''
  let sorted = true
  for (const key of tags.keys()) {
    if (key < previous) sorted = false
    previous = key
  }

  const entries = sorted ? tags : [...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  let out = ''
  for (const [key, value] of entries) out += ` tags:<key:${quote(key)} value:${quote(value)} >`
  return out
}

/** Printable ASCII but `"` and `\\`: the common case, written as it is. */
function isPlain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false
  }

  return true
}

/**
 * Go's text-format string quoting, byte by byte: `\n \r \t \" \\`, other bytes outside printable
 * ASCII as three-digit octal, so a line never breaks whatever the payload holds.
 */
export function quote(value: string | Uint8Array): string {
  if (typeof value === 'string' && isPlain(value)) return `"${value}"`
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
  // Between 1e-4 and 1e6 both languages write the shortest digits in fixed notation.
  const magnitude = Math.abs(value)
  if (magnitude >= 1e-4 && magnitude < 1e6) return String(value)
  const [mantissa, exponentText] = value.toExponential().split('e')
  const exponent = Number(exponentText)
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+'
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`
  }

  return String(value)
}
