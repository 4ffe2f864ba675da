import {type MessageScan, reencodedIfInvalid, type Tags} from '../envelope/scan.js'
import {ENVELOPE_FIELDS, fieldIndex, Kind, UUID_FIELDS} from '../envelope/schema.js'
import {BlockCache} from './block-cache.js'
import {ByteSink} from './byte-sink.js'
import {fieldLayout, type Layout, TagOrder, writeInteger} from './field-layout.js'
import {codePointAt, controlLength, HEX} from './visible-controls.js'

/**
 * Each envelope whole as one JSON line (../shared/CLI.md "JSON output"): `.proto` field names,
 * enums by name, absent fields left out, 64-bit integers as exact JSON numbers (or, with
 * `int64AsString`, as strings of their digits, as protobuf's JSON mapping writes them), bytes as
 * UTF-8 text, UUIDs as `8-4-4-4-12`; written from the frame's bytes, with JSON.stringify's escapes.
 * One per stream: it holds the stream's tag blocks.
 */
export class EnvelopeJsonWriter {
  // Built with the writer, as the text one's: `cfws logs` never renders with it.
  private readonly layout = jsonLayout()
  private readonly tagBlocks: TagBlocks

  constructor(private readonly int64AsString = false) {
    const order = new TagOrder('object')
    // The tags of one source instance are the same envelope after envelope: rendered once each.
    this.tagBlocks = new BlockCache((out, buf, tags) => renderTags(out, buf, tags, order.of(tags)))
  }

  write(out: ByteSink, envelope: MessageScan): void {
    writeObject(out, envelope, this.layout, this.int64AsString, this.tagBlocks)
    out.byte(0x0a)
  }
}

type TagBlocks = BlockCache<Tags>

const jsonLayout = (): Layout =>
  fieldLayout(
    ENVELOPE_FIELDS,
    (field) => `"${field.name}":`,
    (name) => `"${name}"`,
  )

function writeObject(
  out: ByteSink,
  scan: MessageScan,
  layout: Layout,
  int64AsString: boolean,
  tagBlocks: TagBlocks,
): void {
  const {buf} = scan
  out.byte(0x7b)
  let first = true
  for (let i = 0, count = scan.fieldCount; i < count; i++) {
    if (!scan.has(i)) continue
    if (!first) out.byte(0x2c)
    first = false
    out.literal(layout.labels[i])
    const kind = scan.kind(i)
    switch (kind) {
      case Kind.String:
      case Kind.Bytes: {
        writeString(out, buf, scan.start(i), scan.end(i))
        break
      }

      case Kind.Int32: {
        writeInteger(out, layout, scan, i)
        break
      }

      case Kind.Int64:
      case Kind.Uint64: {
        // A parser that reads every number as a double (jq 1.6, JSON.parse) rounds past 2^53.
        if (int64AsString) out.byte(0x22)
        writeInteger(out, layout, scan, i)
        if (int64AsString) out.byte(0x22)
        break
      }

      case Kind.Double: {
        const value = scan.double(i)
        // JSON has no NaN or Infinity; the proto JSON mapping writes them as strings.
        out.ascii(Number.isFinite(value) ? String(value) : `"${value}"`)
        break
      }

      case Kind.Uuid: {
        writeUuid(out, scan.child(i))
        break
      }

      case Kind.Strings: {
        const list = scan.list(i)
        out.byte(0x5b)
        for (let item = 0; item < list.count; item++) {
          if (item > 0) out.byte(0x2c)
          writeString(out, buf, list.starts[item], list.ends[item])
        }

        out.byte(0x5d)
        break
      }

      case Kind.Tags: {
        tagBlocks.write(out, buf, scan.tags(i))
        break
      }

      default: {
        writeObject(out, scan.child(i), layout.children[i]!, int64AsString, tagBlocks)
      }
    }
  }

  out.byte(0x7d)
}

function renderTags(out: ByteSink, buf: Buffer, tags: Tags, order: Int32Array): void {
  out.byte(0x7b)
  for (let k = 0; k < tags.count; k++) {
    const entry = order[k]
    if (k > 0) out.byte(0x2c)
    writeString(out, tags.keyBufs[entry], tags.keyStarts[entry], tags.keyEnds[entry])
    out.byte(0x3a)
    writeString(out, buf, tags.valueStarts[entry], tags.valueEnds[entry])
  }

  out.byte(0x7d)
}

const UUID_LOW = fieldIndex(UUID_FIELDS, 'low')
const UUID_HIGH = fieldIndex(UUID_FIELDS, 'high')

/** The 16 bytes in string order, each 8-byte half little-endian (PROTOCOL.md §6), as `8-4-4-4-12` hex. */
function writeUuid(out: ByteSink, uuid: MessageScan): void {
  out.reserve(38)
  const {buf} = out
  let pos = out.pos
  buf[pos++] = 0x22
  for (let byte = 0; byte < 16; byte++) {
    if (byte === 4 || byte === 6 || byte === 8 || byte === 10) buf[pos++] = 0x2d
    const half = byte < 8 ? UUID_LOW : UUID_HIGH
    const word = !uuid.has(half) ? 0 : (byte & 7) < 4 ? uuid.int64Low(half) : uuid.int64High(half)
    const value = (word >>> ((byte & 3) * 8)) & 0xff
    buf[pos++] = HEX[value >> 4]
    buf[pos++] = HEX[value & 15]
  }

  buf[pos++] = 0x22
  out.pos = pos
}

// Per byte: 0 to copy it as it is, else what follows the backslash, UNICODE for `\u00XX`, or
// HIGH for a byte of a multi-byte character (copied once the string is known to be valid UTF-8).
const UNICODE = 1
const HIGH = 2
// One object for the table, not one per byte: building 256 of them took a millisecond of every start.
const SHORT_ESCAPES: Readonly<Record<number, number>> = {
  0x08: 0x62,
  0x09: 0x74,
  0x0a: 0x6e,
  0x0c: 0x66,
  0x0d: 0x72,
  0x22: 0x22,
  0x5c: 0x5c,
}
const ESCAPES = new Uint8Array(256).map(
  (_, byte) => SHORT_ESCAPES[byte] ?? (byte < 0x20 || byte === 0x7f ? UNICODE : byte >= 0x80 ? HIGH : 0),
)

/**
 * A JSON string of UTF-8 bytes, escaped as JSON.stringify escapes the decoded text: `" \\`, the
 * short escapes, other control characters as \u00XX; and DEL, the C1 and bidi controls as \uXXXX
 * (visible-controls.ts). Bytes that are not valid UTF-8 become U+FFFD, as decoding gives them.
 */
export function writeString(out: ByteSink, source: Buffer, start: number, end: number): void {
  const begin = out.pos
  out.openQuote(end - start, 6)
  let checked = false
  for (let i = start; ; i++) {
    i = out.copyPlain(source, i, end, ESCAPES)
    if (i === end) break
    const byte = source[i]
    const escape = ESCAPES[byte]
    const {buf} = out
    let {pos} = out
    if (escape === HIGH) {
      if (!checked) {
        checked = true
        const decoded = reencodedIfInvalid(source, start, end)
        if (decoded) {
          out.pos = begin
          writeString(out, decoded, 0, decoded.length)
          return
        }
      }

      const control = controlLength(source, i, end)
      if (control === 0) {
        buf[pos++] = byte
      } else {
        // C1 and bidi controls too, beyond JSON.stringify: safe when a human reads the line.
        const codePoint = codePointAt(source, i, control)
        buf[pos++] = 0x5c
        buf[pos++] = 0x75
        for (let shift = 12; shift >= 0; shift -= 4) buf[pos++] = HEX[(codePoint >> shift) & 15]
        i += control - 1
      }
    } else {
      buf[pos++] = 0x5c
      if (escape === UNICODE) {
        buf[pos++] = 0x75
        buf[pos++] = 0x30
        buf[pos++] = 0x30
        buf[pos++] = HEX[byte >> 4]
        buf[pos++] = HEX[byte & 15]
      } else {
        buf[pos++] = escape
      }
    }

    out.pos = pos
  }

  out.buf[out.pos++] = 0x22
}

/** `text` as a JSON string, escaped as writeString escapes bytes: for a constant such as a header. */
export function jsonString(text: string): string {
  const source = Buffer.from(text)
  const out = new ByteSink(source.length * 6 + 16)
  writeString(out, source, 0, source.length)
  return out.buf.toString('utf8', 0, out.pos)
}
