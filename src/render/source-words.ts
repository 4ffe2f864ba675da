import type {Literal} from './literal.js'

/**
 * Frame bytes read four at a time, through a view of the last source's memory: the frames of one
 * socket read share it, and one frame's strings are all read from the same source, so the view is
 * made once per read rather than once per string.
 */
export class SourceWords {
  /** The memory of the source last given to `viewOf`, and where that source starts in it. */
  view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0))
  // Cached: reading `byteOffset` per string costs more than this field.
  offset = 0
  private source?: Uint8Array
  private memory?: ArrayBufferLike

  /** The view of `source`'s memory; its byte `i` is at `offset + i` there. */
  viewOf(source: Uint8Array): DataView<ArrayBufferLike> {
    if (source === this.source) return this.view
    this.source = source
    this.offset = source.byteOffset
    if (source.buffer !== this.memory) {
      this.memory = source.buffer
      this.view = new DataView(source.buffer)
    }

    return this.view
  }

  /** Whether `source[start, end)` holds exactly the bytes of `constant`. */
  matches(constant: Literal, source: Uint8Array, start: number, end: number): boolean {
    if (end - start !== constant.length) return false
    const source32 = this.viewOf(source)
    const offset = this.offset
    const {words} = constant
    const whole = constant.length >> 2
    for (let i = 0; i < whole; i++) if (source32.getInt32(offset + start + i * 4, true) !== words[i]) return false
    for (let i = whole * 4; i < constant.length; i++)
      if (source[start + i] !== ((words[i >> 2] >>> ((i & 3) * 8)) & 0xff)) return false
    return true
  }

  /** A 32-bit hash of `source[start, end)`, read four bytes at a time. */
  hashOf(source: Uint8Array, start: number, end: number): number {
    const source32 = this.viewOf(source)
    const offset = this.offset
    let hash = end - start
    let i = start
    for (; i + 4 <= end; i += 4) hash = Math.imul(hash ^ source32.getInt32(offset + i, true), 0x9e_37_79_b1)
    for (; i < end; i++) hash = Math.imul(hash ^ source[i], 0x9e_37_79_b1)
    return hash ^ (hash >>> 15)
  }
}

const ONES = 0x01_01_01_01
const HIGH_BITS = 0x80_80_80_80 | 0

/** Whether each of the four bytes of `word` is in 0x20–0x7e and none is `"` or `\` (bit tricks on 32-bit lanes). */
export function isPlainAscii(word: number): boolean {
  const quote = word ^ 0x22_22_22_22
  const backslash = word ^ 0x5c_5c_5c_5c
  const del = word ^ 0x7f_7f_7f_7f
  // `(x - ONES) & ~x` has a lane's high bit set when some lane of x is zero (exact as a whole-word test).
  const control = (word - 0x20_20_20_20) & ~word
  const matches = word | control | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((del - ONES) & ~del)
  return (matches & HIGH_BITS) === 0
}

/** 0 when each of the four bytes of `word` is in 0x20–0x7e, quotes and backslashes included. */
export function notPrintableBits(word: number): number {
  const del = word ^ 0x7f_7f_7f_7f
  const control = (word - 0x20_20_20_20) & ~word
  return (word | control | ((del - ONES) & ~del)) & HIGH_BITS
}
