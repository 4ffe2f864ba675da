import type {Literal} from './literal.js'
import {isPlainAscii, notPrintableBits, SourceWords} from './source-words.js'

/** A sink's buffer unless it is made with another: what it shrinks back to. */
export const SINK_CAPACITY = 64 * 1024
// Copies write whole 32-bit words and may run up to three bytes past the end they report.
const WORD_SLACK = 3
// Up to this length a copy is made as words; a longer one in one native copy.
export const LONGEST_WORD_COPY = 64
// Copy every byte: copyPlain's table stops at none.
const COPY_ALL = new Uint8Array(256)

/**
 * A growing byte buffer that renderers write output into: one per batch of frames, handed to
 * stdout whole by `take()`. Writing bytes straight from the frame is what lets the firehose skip
 * decoding strings only to encode them again. Numbers go in through decimal.ts.
 */
export class ByteSink {
  buf: Buffer
  pos = 0
  /** Past this many bytes, `checkpoint()` hands the sink to `onSpill` (the writer takes what is written). */
  spillAtBytes = Number.POSITIVE_INFINITY
  onSpill?: () => void
  private view: DataView
  private spare?: Buffer
  private readonly handedOutWhole = new WeakSet<Buffer>()
  private readonly sourceWords = new SourceWords()

  constructor(private readonly minCapacity = SINK_CAPACITY) {
    this.buf = Buffer.allocUnsafeSlow(minCapacity)
    this.view = new DataView(this.buf.buffer)
  }

  /** Renderers call this between lines: one message of many lines then never grows the sink past about `spillAtBytes` plus a line. */
  checkpoint(): void {
    if (this.pos >= this.spillAtBytes) this.onSpill?.()
  }

  /**
   * Before a copy of whole lines: when `bytes` more would not fit, what is written goes to `onSpill`
   * first, so that the buffer need not grow (it still does for a copy longer than it).
   */
  spillUnlessRoomFor(bytes: number): void {
    if (this.pos > 0 && this.pos + bytes > this.buf.length) this.onSpill?.()
  }

  /**
   * Drops the first `bytes` written and moves the rest to the start. A buffer that grew past
   * `maxKeptBytes` (a burst held whole, a very long message) is replaced by a smaller one the rest
   * fits in, so that the burst's room is not kept for the rest of the run.
   */
  discardFirst(bytes: number, maxKeptBytes: number): void {
    const rest = this.pos - bytes
    if (this.buf.length > maxKeptBytes && rest * 2 <= maxKeptBytes) {
      const smaller = Buffer.allocUnsafeSlow(Math.max(this.minCapacity, rest * 2))
      this.buf.copy(smaller, 0, bytes, this.pos)
      this.replaceBuffer(smaller)
    } else if (rest > 0) {
      this.buf.copy(this.buf, 0, bytes, this.pos)
    }

    this.pos = rest
  }

  /** Makes room for `bytes` more; callers then write `buf[pos++]` directly. */
  reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + bytes))
    this.buf.copy(bigger, 0, 0, this.pos)
    this.replaceBuffer(bigger)
  }

  /**
   * What was written since the last take, as a buffer of its own; the sink goes on in another.
   * A mostly empty buffer is copied out instead, so a small chunk waiting for stdout never pins a
   * whole buffer; a buffer that grew for a large message is not kept. Hand a chunk back with
   * `recycle` once it is written, so two buffers take turns instead of a new one per batch waiting
   * for the garbage collector.
   */
  take(): Buffer {
    const filled = this.pos
    this.pos = 0
    if (filled * 2 < this.buf.length) {
      const copy = Buffer.allocUnsafe(filled)
      this.buf.copy(copy, 0, 0, filled)
      if (this.buf.length > this.minCapacity) this.replaceBuffer(Buffer.allocUnsafeSlow(this.minCapacity))
      return copy
    }

    const chunk = this.buf.subarray(0, filled)
    this.handedOutWhole.add(chunk)
    const spare = this.spare
    this.spare = undefined
    this.replaceBuffer(spare ?? Buffer.allocUnsafeSlow(this.minCapacity))
    return chunk
  }

  // A chunk `take` handed out whole has an ArrayBuffer of its own (allocUnsafeSlow's); only one of
  // the standard size is worth keeping. A copied-out chunk may lie in Node's shared Buffer pool, as
  // large as the sink's buffers from Node 24 on (64 KiB): adopting that one wrote output over other
  // buffers of the process, frames among them.
  recycle(chunk: Buffer): void {
    if (!this.handedOutWhole.delete(chunk)) return
    if (chunk.buffer.byteLength === this.minCapacity && chunk.buffer !== this.buf.buffer)
      this.spare = Buffer.from(chunk.buffer, 0, this.minCapacity)
  }

  private replaceBuffer(buffer: Buffer): void {
    this.buf = buffer
    this.view = new DataView(buffer.buffer)
  }

  byte(value: number): void {
    this.reserve(1)
    this.buf[this.pos++] = value
  }

  literal(constant: Literal): void {
    this.reserve(constant.length + WORD_SLACK)
    const {view, pos} = this
    const {words} = constant
    for (let i = 0; i < words.length; i++) view.setInt32(pos + i * 4, words[i], true)
    this.pos = pos + constant.length
  }

  /** A short string known to be ASCII (a formatted number): a loop beats a call into Buffer.write. */
  ascii(value: string): void {
    this.reserve(value.length)
    const {buf} = this
    let {pos} = this
    for (let i = 0; i < value.length; i++) buf[pos++] = value.charCodeAt(i)
    this.pos = pos
  }

  /** Opens a quoted string of `length` source bytes that each take at most `growth` bytes written. */
  openQuote(length: number, growth: number): void {
    this.reserve(length * growth + 2)
    this.buf[this.pos++] = 0x22
  }

  /**
   * Copies `source` from `start` while `escapes[byte]` is 0, into room the caller has reserved
   * (`reserve`, `openQuote`), and returns where it stopped: the caller writes that byte its own way
   * and calls again after it.
   */
  copyPlain(source: Uint8Array, start: number, end: number, escapes: Uint8Array): number {
    const {buf, view} = this
    let {pos} = this
    let i = start
    // Four bytes at a time while none needs a look in `escapes`: a JS loop costs per byte, and
    // this halves it. A word with a byte outside 0x20–0x7e, a quote or a backslash is left to
    // the byte loop below, which decides with the format's own table. Strings shorter than a
    // word take the byte loop only.
    if (end - start >= 4) {
      const words = this.sourceWords
      const source32 = words.viewOf(source)
      const offset = words.offset
      for (; i + 4 <= end; i += 4) {
        const word = source32.getInt32(offset + i, true)
        if (!isPlainAscii(word)) break
        view.setInt32(pos, word, true)
        pos += 4
      }

      // One to three bytes left after plain words: the source's last four bytes as one word, written
      // over the copy's last bytes again (the same bytes, as plain ones are copied as they are).
      if (i + 4 > end && i < end) {
        const word = source32.getInt32(offset + end - 4, true)
        if (isPlainAscii(word)) {
          view.setInt32(pos + end - 4 - i, word, true)
          this.pos = pos + end - i
          return end
        }
      }
    }

    for (; i < end; i++) {
      const byte = source[i]
      if (escapes[byte] !== 0) break
      buf[pos++] = byte
    }

    this.pos = pos
    return i
  }

  /**
   * Where `copyPlain` would stop, without copying: the first byte from `start` whose `escapes`
   * entry is not 0, or `end`, for a table that copies all of 0x20–0x7e. After a word that needs a
   * byte-by-byte look (a tab, a letter beyond ASCII) it goes back to words, so ordinary text is
   * read eight bytes at a time.
   */
  scanPlain(source: Uint8Array, start: number, end: number, escapes: Uint8Array): number {
    let i = start
    if (end - start >= 4) {
      const words = this.sourceWords
      const source32 = words.viewOf(source)
      const offset = words.offset
      while (i + 4 <= end) {
        // Eight bytes a step while both words are printable, the common case of a log line.
        if (
          i + 8 <= end &&
          (notPrintableBits(source32.getInt32(offset + i, true)) |
            notPrintableBits(source32.getInt32(offset + i + 4, true))) ===
            0
        ) {
          i += 8
          continue
        }

        if (notPrintableBits(source32.getInt32(offset + i, true)) === 0) {
          i += 4
          continue
        }

        for (const stop = i + 4; i < stop; i++) if (escapes[source[i]] !== 0) return i
      }
    }

    for (; i < end; i++) if (escapes[source[i]] !== 0) return i
    return end
  }

  /** `source[start, end)` as it is: short runs as words, long ones in one native copy (which costs a view). */
  copy(source: Uint8Array, start: number, end: number): void {
    const length = end - start
    this.reserve(length)
    if (length <= LONGEST_WORD_COPY) {
      this.copyPlain(source, start, end, COPY_ALL)
      return
    }

    this.buf.set(source.subarray(start, end), this.pos)
    this.pos += length
  }

  /** Bytes written before, as they are: one native copy, quicker than words from a few dozen bytes on. */
  bytes(written: Uint8Array): void {
    this.reserve(written.length)
    this.buf.set(written, this.pos)
    this.pos += written.length
  }

  text(value: string): void {
    this.reserve(value.length * 3)
    this.pos += this.buf.write(value, this.pos)
  }
}
