import {type MessageScan, reencodedIfInvalid, type Tags} from '../envelope/scan.js'
import {ENVELOPE_FIELDS, fieldIndex, Kind, UUID_FIELDS} from '../envelope/schema.js'
import {BlockCache} from './block-cache.js'
import type {ByteSink} from './byte-sink.js'
import {writeDecimal64} from './decimal.js'
import {Literal} from './literal.js'
import {fieldLayout, type Layout, TagOrder, writeInteger} from './field-layout.js'

/**
 * Envelopes, one a line, in protobuf compact text format, as `cf nozzle` prints them
 * (`origin:"rep" eventType:ValueMetric … valueMetric:<name:"x" value:1 unit:"u" >`), written from
 * the frame's bytes into the output. One per stream: it holds the stream's tag blocks.
 */
export class EnvelopeTextWriter {
  // Built with the writer, not as the module loads: `cfws logs` loads this module and never renders with it.
  private readonly layout = textLayout()
  private readonly tagBlocks: TagBlocks

  constructor() {
    const order = new TagOrder('sorted')
    // The tags of one source instance are the same envelope after envelope: rendered once each.
    this.tagBlocks = new BlockCache((out, buf, tags) => renderTags(out, buf, tags, order.of(tags)))
  }

  write(out: ByteSink, envelope: MessageScan): void {
    const start = out.pos
    writeFields(out, envelope, this.layout, this.tagBlocks)
    // Top-level fields are separated by spaces: the last one's is not wanted.
    if (out.pos > start) out.pos--
    out.byte(0x0a)
  }
}

type TagBlocks = BlockCache<Tags>

// A string's label carries its opening quote, and what follows a string its closing one: fewer, longer copies.
const QUOTED_KINDS = new Set<Kind>([Kind.String, Kind.Bytes, Kind.Strings])
const textLayout = (): Layout =>
  fieldLayout(
    ENVELOPE_FIELDS,
    (field) => (QUOTED_KINDS.has(field.kind) ? `${field.name}:"` : `${field.name}:`),
    (name) => name,
  )
const CLOSE_QUOTE = new Literal('" ')
const TAG_KEY = new Literal('tags:<key:"')
const TAG_VALUE = new Literal('" value:"')
const TAG_END = new Literal('" > ')
const LOW = new Literal('low:')
const HIGH = new Literal('high:')
const UUID_LOW = fieldIndex(UUID_FIELDS, 'low')
const UUID_HIGH = fieldIndex(UUID_FIELDS, 'high')

// Every field is followed by a space, inside `<…>` too (Go's format: `name:<a:1 b:2 >`).
function writeFields(out: ByteSink, scan: MessageScan, layout: Layout, tagBlocks: TagBlocks): void {
  const {buf} = scan
  for (let i = 0, count = scan.fieldCount; i < count; i++) {
    if (!scan.has(i)) continue
    const kind = scan.kind(i)
    if (kind === Kind.Strings) {
      const list = scan.list(i)
      for (let item = 0; item < list.count; item++) {
        out.literal(layout.labels[i])
        writeEscaped(out, buf, list.starts[item], list.ends[item], true)
        out.literal(CLOSE_QUOTE)
      }

      continue
    }

    if (kind === Kind.Tags) {
      tagBlocks.write(out, buf, scan.tags(i))
      continue
    }

    out.literal(layout.labels[i])
    switch (kind) {
      case Kind.String:
      case Kind.Bytes: {
        writeEscaped(out, buf, scan.start(i), scan.end(i), kind === Kind.String)
        out.byte(0x22)
        break
      }

      case Kind.Int32:
      case Kind.Int64:
      case Kind.Uint64: {
        writeInteger(out, layout, scan, i)
        break
      }

      case Kind.Double: {
        out.ascii(formatDouble(scan.double(i)))
        break
      }

      case Kind.Uuid: {
        const uuid = scan.child(i)
        out.byte(0x3c)
        if (uuid.has(UUID_LOW)) writeHalf(out, LOW, uuid, UUID_LOW)
        if (uuid.has(UUID_HIGH)) writeHalf(out, HIGH, uuid, UUID_HIGH)
        out.byte(0x3e)
        break
      }

      default: {
        out.byte(0x3c)
        writeFields(out, scan.child(i), layout.children[i]!, tagBlocks)
        out.byte(0x3e)
      }
    }

    out.byte(0x20)
  }
}

function writeHalf(out: ByteSink, label: Literal, uuid: MessageScan, half: number): void {
  out.literal(label)
  writeDecimal64(out, uuid.int64Low(half), uuid.int64High(half), false)
  out.byte(0x20)
}

/** Map entries sorted by key (`order`), as Go's text marshaler writes them. */
function renderTags(out: ByteSink, buf: Buffer, tags: Tags, order: Int32Array): void {
  for (let k = 0; k < tags.count; k++) {
    const entry = order[k]
    out.literal(TAG_KEY)
    writeEscaped(out, tags.keyBufs[entry], tags.keyStarts[entry], tags.keyEnds[entry], false)
    out.literal(TAG_VALUE)
    writeEscaped(out, buf, tags.valueStarts[entry], tags.valueEnds[entry], true)
    out.literal(TAG_END)
  }
}

// Per byte: 0 to copy it as it is, else what follows the backslash, or OCTAL for `\ooo`.
const OCTAL = 1
const ESCAPES = new Uint8Array(256).map((_, byte) => {
  if (byte === 0x0a) return 0x6e
  if (byte === 0x0d) return 0x72
  if (byte === 0x09) return 0x74
  if (byte === 0x22 || byte === 0x5c) return byte
  return byte >= 0x20 && byte < 0x7f ? 0 : OCTAL
})

/**
 * Go's text-format string quoting, byte by byte: `\n \r \t \" \\`, other bytes outside printable
 * ASCII as three-digit octal, so a line never breaks whatever the payload holds. A `string` field
 * that is not valid UTF-8 is written as decoding it gives (U+FFFD for each bad sequence). Writes
 * what goes between the quotes: the labels around it carry them.
 */
function writeEscaped(out: ByteSink, source: Buffer, start: number, end: number, isString: boolean): void {
  const begin = out.pos
  out.reserve((end - start) * 4)
  let checked = !isString
  for (let i = start; ; i++) {
    i = out.copyPlain(source, i, end, ESCAPES)
    if (i === end) break
    const byte = source[i]
    if (!checked && byte >= 0x80) {
      checked = true
      const decoded = reencodedIfInvalid(source, start, end)
      if (decoded) {
        out.pos = begin
        writeEscaped(out, decoded, 0, decoded.length, false)
        return
      }
    }

    const {buf} = out
    let {pos} = out
    const escape = ESCAPES[byte]
    buf[pos++] = 0x5c
    if (escape === OCTAL) {
      buf[pos++] = 0x30 + (byte >> 6)
      buf[pos++] = 0x30 + ((byte >> 3) & 7)
      buf[pos++] = 0x30 + (byte & 7)
    } else {
      buf[pos++] = escape
    }

    out.pos = pos
  }
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
