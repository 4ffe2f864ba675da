import {isUtf8} from 'node:buffer'

import ProtobufReader from 'protobufjs/src/reader.js'

import {messageOf} from '../errors.js'
import {type Field, Kind, UUID_FIELDS} from './schema.js'
import {checkEnd, nestedEnd, type Reader, readTag, skipField} from './wire.js'

/**
 * Reads a frame into byte offsets instead of objects: no string is decoded and no 64-bit value
 * boxed until a renderer asks, and the scanner is reused frame after frame, so a firehose of a
 * million envelopes allocates next to nothing here. It accepts and rejects exactly what a full
 * protobufjs decode would (same Reader calls, same checks; the fuzz test compares the two): fields
 * in any order, the last of a repeated scalar wins, a repeated message is merged, unknown fields
 * and known ones with another wire type are skipped.
 */
const WIRE_TYPES: Record<Kind, number> = {
  [Kind.String]: 2,
  [Kind.Bytes]: 2,
  [Kind.Int32]: 0,
  [Kind.Int64]: 0,
  [Kind.Uint64]: 0,
  [Kind.Double]: 1,
  [Kind.Uuid]: 2,
  [Kind.Strings]: 2,
  [Kind.Tags]: 2,
  [Kind.Message]: 2,
}

/** A list of byte ranges reused from frame to frame (a repeated string field). */
export class Ranges {
  count = 0
  starts: Int32Array = new Int32Array(8)
  ends: Int32Array = new Int32Array(8)

  push(start: number, end: number): void {
    if (this.count === this.starts.length) {
      this.starts = grow(this.starts)
      this.ends = grow(this.ends)
    }

    this.starts[this.count] = start
    this.ends[this.count++] = end
  }
}

function grow(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2)
  bigger.set(array)
  return bigger
}

/**
 * The `tags` map with Go's and the old decoder's map semantics: one entry per key, the last value
 * wins, the first position stays. Keys that are not valid UTF-8 are replaced the way decoding them
 * would (U+FFFD), so two such keys merge exactly as the decoded strings would.
 */
export class Tags {
  count = 0
  keyBufs: Buffer[] = []
  keyStarts: Int32Array = new Int32Array(8)
  keyEnds: Int32Array = new Int32Array(8)
  valueStarts: Int32Array = new Int32Array(8)
  valueEnds: Int32Array = new Int32Array(8)
  private index?: Map<string, number>

  /**
   * The frame's bytes from the first entry to the end of the last: whatever else lies between,
   * the rendered tags are a function of these bytes alone.
   */
  blockStart = 0
  blockEnd = 0

  reset(blockStart: number): void {
    this.count = 0
    this.index = undefined
    this.blockStart = blockStart
  }

  read(reader: Reader, end: number): void {
    let keyStart = 0
    let keyEnd = 0
    let valueStart = 0
    let valueEnd = 0
    while (reader.pos < end) {
      const tag = readTag(reader)
      if (tag === 0x0a) {
        keyStart = stringStart(reader)
        keyEnd = reader.pos
      } else if (tag === 0x12) {
        valueStart = stringStart(reader)
        valueEnd = reader.pos
      } else {
        skipField(reader, tag)
      }
    }

    checkEnd(reader, end)
    let keyBuf = reader.buf as Buffer
    for (let i = keyStart; i < keyEnd; i++) {
      if (keyBuf[i] < 0x80) continue
      const decoded = reencodedIfInvalid(keyBuf, keyStart, keyEnd)
      if (decoded) {
        keyBuf = decoded
        keyStart = 0
        keyEnd = decoded.length
      }

      break
    }

    const existing = this.find(keyBuf, keyStart, keyEnd)
    const slot = existing < 0 ? this.add(keyBuf, keyStart, keyEnd) : existing
    this.valueStarts[slot] = valueStart
    this.valueEnds[slot] = valueEnd
  }

  private find(buf: Buffer, start: number, end: number): number {
    // A handful of tags is the norm; past that a map keeps a hostile frame from going quadratic.
    if (this.count > 16) {
      this.index ??= this.buildIndex()
      return this.index.get(buf.toString('latin1', start, end)) ?? -1
    }

    for (let i = 0; i < this.count; i++)
      if (sameBytes(this.keyBufs[i], this.keyStarts[i], this.keyEnds[i], buf, start, end)) return i
    return -1
  }

  private add(buf: Buffer, start: number, end: number): number {
    if (this.count === this.keyStarts.length) {
      this.keyStarts = grow(this.keyStarts)
      this.keyEnds = grow(this.keyEnds)
      this.valueStarts = grow(this.valueStarts)
      this.valueEnds = grow(this.valueEnds)
    }

    const slot = this.count++
    this.keyBufs[slot] = buf
    this.keyStarts[slot] = start
    this.keyEnds[slot] = end
    this.index?.set(buf.toString('latin1', start, end), slot)
    return slot
  }

  private buildIndex(): Map<string, number> {
    const index = new Map<string, number>()
    for (let i = 0; i < this.count; i++)
      index.set(this.keyBufs[i].toString('latin1', this.keyStarts[i], this.keyEnds[i]), i)
    return index
  }
}

/**
 * One message's fields as the frame last gave them, by field index (the schema's declaration
 * order; `fieldIndex` finds one by name). Read a field only when `has(i)`, with the accessor of
 * its kind: the scan keeps one pair of words per field, whose meaning depends on it.
 */
export class MessageScan {
  /** The frame the offsets point into. */
  buf: Buffer = Buffer.alloc(0)
  readonly fieldCount: number
  private readonly kinds: Kind[]
  // Per field: a string's range; an int32 in starts; a 64-bit varint's low word in starts and its
  // high word in ends; a double's offset in starts.
  private readonly starts: Int32Array
  private readonly ends: Int32Array
  private readonly present: Uint8Array
  private readonly children: Array<MessageScan | undefined>
  private readonly lists: Array<Ranges | undefined>
  private readonly tagMaps: Array<Tags | undefined>
  private readonly fieldOfTag = new Int8Array(256).fill(-1)

  constructor(fields: readonly Field[]) {
    this.fieldCount = fields.length
    this.kinds = fields.map((field) => field.kind)
    this.starts = new Int32Array(fields.length)
    this.ends = new Int32Array(fields.length)
    this.present = new Uint8Array(fields.length)
    this.children = fields.map((field) =>
      field.kind === Kind.Message
        ? new MessageScan(field.fields ?? [])
        : field.kind === Kind.Uuid
          ? new MessageScan(UUID_FIELDS)
          : undefined,
    )
    this.lists = fields.map((field) => (field.kind === Kind.Strings ? new Ranges() : undefined))
    this.tagMaps = fields.map((field) => (field.kind === Kind.Tags ? new Tags() : undefined))
    for (const [i, field] of fields.entries()) this.fieldOfTag[(field.number << 3) | WIRE_TYPES[field.kind]] = i
  }

  has(field: number): boolean {
    return this.present[field] === 1
  }

  kind(field: number): Kind {
    return this.kinds[field]
  }

  /** Where a string's or bytes field's bytes start in `buf`. */
  start(field: number): number {
    return this.starts[field]
  }

  /** Where they end (exclusive). */
  end(field: number): number {
    return this.ends[field]
  }

  int32(field: number): number {
    return this.starts[field]
  }

  /** The low 32 bits of a 64-bit field (as a signed word: `>>> 0` for its unsigned value). */
  int64Low(field: number): number {
    return this.starts[field]
  }

  int64High(field: number): number {
    return this.ends[field]
  }

  double(field: number): number {
    return this.buf.readDoubleLE(this.starts[field])
  }

  /** A nested message's or UUID's scan. */
  child(field: number): MessageScan {
    return this.children[field]!
  }

  /** A repeated string's ranges. */
  list(field: number): Ranges {
    return this.lists[field]!
  }

  tags(field: number): Tags {
    return this.tagMaps[field]!
  }

  /** Reads the message's bytes up to `end`; `merge` keeps what an earlier copy of it in the frame gave. */
  read(reader: Reader, end: number, merge = false): void {
    this.buf = reader.buf as Buffer
    if (!merge) this.present.fill(0)
    while (reader.pos < end) {
      const fieldStart = reader.pos
      const tag = readTag(reader)
      const field = tag < 256 ? this.fieldOfTag[tag] : -1
      if (field < 0) {
        skipField(reader, tag)
        continue
      }

      switch (this.kinds[field]) {
        case Kind.String:
        case Kind.Bytes: {
          this.starts[field] = stringStart(reader)
          this.ends[field] = reader.pos
          break
        }

        case Kind.Int32: {
          this.starts[field] = reader.int32()
          break
        }

        case Kind.Int64:
        case Kind.Uint64: {
          readVarint64(reader, this.starts, this.ends, field)
          break
        }

        case Kind.Double: {
          this.starts[field] = reader.pos
          reader.skip(8)
          break
        }

        case Kind.Strings: {
          const list = this.lists[field]!
          if (this.present[field] === 0) list.count = 0
          const start = stringStart(reader)
          list.push(start, reader.pos)
          break
        }

        case Kind.Tags: {
          const tags = this.tagMaps[field]!
          if (this.present[field] === 0) tags.reset(fieldStart)
          tags.read(reader, nestedEnd(reader))
          tags.blockEnd = reader.pos
          break
        }

        default: {
          // A message field met twice is merged, as protobuf (and Go's, and protobufjs's, decoders) do.
          this.children[field]!.read(reader, nestedEnd(reader), this.present[field] === 1)
        }
      }

      this.present[field] = 1
    }

    checkEnd(reader, end)
  }
}

/**
 * Bytes that are not valid UTF-8 as decoding and encoding them again gives them (U+FFFD for each
 * bad sequence), the way the strings of a decoded envelope would print; undefined when they are valid.
 */
export function reencodedIfInvalid(source: Buffer, start: number, end: number): Buffer | undefined {
  return isUtf8(source.subarray(start, end)) ? undefined : Buffer.from(source.toString('utf8', start, end))
}

// Keys and sources are short: a loop beats a call into Buffer.compare.
export function sameBytes(a: Buffer, aStart: number, aEnd: number, b: Buffer, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false
  for (let i = 0; i < aEnd - aStart; i++) if (a[aStart + i] !== b[bStart + i]) return false
  return true
}

/** Where a length-delimited string starts; the reader moves past it, checked against the frame. */
function stringStart(reader: Reader): number {
  // One-byte lengths (strings below 128 bytes) inline, as tags; longer ones through the reader.
  const {buf, pos, len} = reader
  const short = pos < len ? buf[pos] : 0x80
  if (short < 0x80 && pos + 1 + short <= len) {
    reader.pos = pos + 1 + short
    return pos + 1
  }

  const length = reader.size()
  const start = reader.pos
  reader.skip(length)
  return start
}

/**
 * protobufjs's 64-bit varint read (same bounds and "invalid varint" check), without a Long: its
 * words go straight into the scan's `lows[field]` and `highs[field]`, no object per value.
 */
function readVarint64(reader: Reader, lows: Int32Array, highs: Int32Array, field: number): void {
  const {buf, len} = reader
  let pos = reader.pos
  let low = 0
  let high = 0
  for (let i = 0; i < 10; i++) {
    if (pos >= len) {
      reader.pos = pos
      throw new RangeError(`index out of range: ${pos} + 1 > ${len}`)
    }

    const byte = buf[pos++]
    if (i < 4) low |= (byte & 0x7f) << (i * 7)
    else if (i === 4) {
      low |= (byte & 0x7f) << 28
      high |= (byte & 0x7f) >> 4
    } else high |= (byte & 0x7f) << ((i - 5) * 7 + 3)
    if (byte < 0x80) {
      reader.pos = pos
      lows[field] = low
      highs[field] = high
      return
    }
  }

  reader.pos = pos
  throw new Error('invalid varint encoding')
}

/** Scans frames of one shape; `scan` never throws: a frame it cannot read comes back as a reason. */
export class FrameScanner {
  readonly envelope: MessageScan
  // One reader for every frame: moved to the next frame rather than allocated per frame.
  private readonly reader: Reader = new ProtobufReader(Buffer.alloc(0))

  constructor(fields: readonly Field[]) {
    this.envelope = new MessageScan(fields)
  }

  scan(frame: Uint8Array): string | undefined {
    const {reader} = this
    reader.buf = Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.length)
    reader.pos = 0
    reader.len = frame.length
    try {
      this.envelope.read(reader, reader.len)
      return undefined
    } catch (error) {
      return messageOf(error)
    }
  }
}
