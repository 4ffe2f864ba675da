import type {MessageScan, Tags} from '../envelope/scan.js'
import {type Field, Kind} from '../envelope/schema.js'
import type {ByteSink} from './byte-sink.js'
import {writeDecimal, writeDecimal64} from './decimal.js'
import {Literal} from './literal.js'

/** A renderer's constant bytes for each field of a message, in the scan's field order. */
export interface Layout {
  labels: Literal[]
  /** Per field, the bytes for each named enum value. */
  enums: Array<Map<number, Literal> | undefined>
  children: Array<Layout | undefined>
}

export function fieldLayout(
  fields: readonly Field[],
  label: (field: Field) => string,
  enumValue: (name: string) => string,
): Layout {
  return {
    labels: fields.map((field) => new Literal(label(field))),
    enums: fields.map(
      (field) =>
        field.enumNames && new Map([...field.enumNames].map(([value, name]) => [value, new Literal(enumValue(name))])),
    ),
    children: fields.map((field) => field.fields && fieldLayout(field.fields, label, enumValue)),
  }
}

/** An integer field as text and JSON both write it: an int32 by its enum name when it has one, 64-bit ones exact. */
export function writeInteger(out: ByteSink, layout: Layout, scan: MessageScan, field: number): void {
  const kind = scan.kind(field)
  if (kind !== Kind.Int32) {
    writeDecimal64(out, scan.int64Low(field), scan.int64High(field), kind === Kind.Int64)
    return
  }

  const value = scan.int32(field)
  const name = layout.enums[field]?.get(value)
  if (name) out.literal(name)
  else writeDecimal(out, value)
}

/**
 * The order to write the tags in: `sorted` by key as Go's text marshaler does (in UTF-16 order,
 * as JavaScript compares strings), or as a JavaScript `object` built from the map orders its keys:
 * array-index keys first by value, then the rest as they came. One per renderer: its array is
 * reused frame after frame and may be longer than the tags, so read the first `tags.count`
 * entries of what `of` returns before asking again.
 */
export class TagOrder {
  private order = new Int32Array(16)

  constructor(private readonly style: 'sorted' | 'object') {}

  of(tags: Tags): Int32Array {
    const {count} = tags
    if (this.order.length < count) this.order = new Int32Array(Math.max(count, this.order.length * 2))
    const {order} = this
    for (let i = 0; i < count; i++) order[i] = i
    if (this.style === 'sorted') {
      if (count > 16) order.subarray(0, count).sort((a, b) => compareKeys(tags, a, b))
      else insertionSort(order, tags, count)
      return order
    }

    for (let i = 0; i < count; i++) {
      if (arrayIndex(tags, i) < 0) continue
      order.subarray(0, count).sort((a, b) => rank(tags, a) - rank(tags, b))
      break
    }

    return order
  }
}

function insertionSort(order: Int32Array, tags: Tags, count: number): void {
  for (let i = 1; i < count; i++) {
    const entry = order[i]
    let j = i - 1
    for (; j >= 0 && compareKeys(tags, order[j], entry) > 0; j--) order[j + 1] = order[j]
    order[j + 1] = entry
  }
}

function compareKeys(tags: Tags, a: number, b: number): number {
  return compareUtf16(
    tags.keyBufs[a],
    tags.keyStarts[a],
    tags.keyEnds[a],
    tags.keyBufs[b],
    tags.keyStarts[b],
    tags.keyEnds[b],
  )
}

// Index keys (below 2^32 - 1) before all others; others keep their place (the sort is stable).
function rank(tags: Tags, entry: number): number {
  const index = arrayIndex(tags, entry)
  return index >= 0 ? index - 4_294_967_296 : entry
}

/** The key as an array index (`0`, or digits without a leading zero, below 2^32 - 1), else -1. */
function arrayIndex(tags: Tags, entry: number): number {
  const buf = tags.keyBufs[entry]
  const start = tags.keyStarts[entry]
  const length = tags.keyEnds[entry] - start
  if (length === 0 || length > 10 || (buf[start] === 0x30 && length > 1)) return -1
  let value = 0
  for (let i = start; i < start + length; i++) {
    const digit = buf[i] - 0x30
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }

  return value < 4_294_967_295 ? value : -1
}

/**
 * Compares two valid UTF-8 strings as JavaScript compares the decoded strings. Byte order is code
 * point order, which UTF-16 keeps except that U+10000 and above (lead bytes F0–F4, surrogate pairs)
 * sort before U+E000–U+FFFF (lead bytes EE, EF).
 */
function compareUtf16(a: Buffer, aStart: number, aEnd: number, b: Buffer, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart)
  for (let i = 0; i < length; i++) {
    const x = a[aStart + i]
    const y = b[bStart + i]
    if (x === y) continue
    if (x >= 0xee && y >= 0xee && x >= 0xf0 !== y >= 0xf0) return x >= 0xf0 ? -1 : 1
    return x - y
  }

  return aEnd - aStart - (bEnd - bStart)
}
