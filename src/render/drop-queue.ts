/**
 * What waits for a stalled stdout: whole lines in a ring of `capacity` bytes, allocated on first
 * use and reused, the oldest lines dropped first and counted. A flood behind a stopped reader then
 * costs this one buffer and no garbage, however long it lasts.
 */
export class DropQueue {
  private ring?: Buffer
  private head = 0
  private size = 0
  private droppedLines = 0

  constructor(private readonly capacity: number) {}

  get bytes(): number {
    return this.size
  }

  /** Adds `chunk` (whole lines) and drops the oldest lines until at most `maxBytes` wait. */
  push(chunk: Buffer, maxBytes: number): void {
    const bound = Math.max(0, Math.min(maxBytes, this.capacity))
    let kept = chunk
    if (chunk.length > bound) {
      // Larger than the bound by itself: its newest whole lines that fit, and nothing older.
      const newline = bound === 0 ? -1 : chunk.indexOf(0x0a, chunk.length - bound - 1)
      const lineStart = newline === -1 ? chunk.length : newline + 1
      this.droppedLines += countLines(chunk, 0, lineStart)
      this.dropOldest(this.size)
      kept = chunk.subarray(lineStart)
    } else if (this.size + chunk.length > bound) {
      this.dropOldest(this.size + chunk.length - bound)
    }

    if (kept.length === 0) return
    this.ring ??= Buffer.allocUnsafeSlow(this.capacity)
    const tail = (this.head + this.size) % this.capacity
    const first = Math.min(kept.length, this.capacity - tail)
    kept.copy(this.ring, tail, 0, first)
    kept.copy(this.ring, 0, first)
    this.size += kept.length
  }

  /**
   * Everything queued, oldest first; the queue is empty after. The ring goes with what it holds
   * (a later stall allocates another), so the bytes can be written without a copy.
   */
  drain(): Buffer[] {
    const {ring, head, size} = this
    this.ring = undefined
    this.head = 0
    this.size = 0
    if (!ring || size === 0) return []
    const first = Math.min(size, this.capacity - head)
    return first === size ? [ring.subarray(head, head + size)] : [ring.subarray(head), ring.subarray(0, size - first)]
  }

  /** Lines dropped since the last call. */
  takeDroppedLines(): number {
    const lines = this.droppedLines
    this.droppedLines = 0
    return lines
  }

  /** Drops whole lines from the front until at least `bytes` are free (everything, at most). */
  private dropOldest(bytes: number): void {
    if (bytes >= this.size) {
      if (this.ring) this.droppedLines += countRing(this.ring, this.head, this.size)
      this.head = 0
      this.size = 0
      return
    }

    // The line that holds the last byte to free ends the cut: data always ends with a newline.
    const cut = this.newlineAfter(bytes - 1) + 1
    this.droppedLines += countRing(this.ring!, this.head, cut)
    this.head = (this.head + cut) % this.capacity
    this.size -= cut
  }

  /** Where the first newline at or after `offset` (counted from the oldest byte) is, likewise counted. */
  private newlineAfter(offset: number): number {
    const ring = this.ring!
    const firstEnd = Math.min(this.head + this.size, this.capacity)
    if (this.head + offset < firstEnd) {
      const found = ring.subarray(this.head + offset, firstEnd).indexOf(0x0a)
      if (found !== -1) return offset + found
      offset = firstEnd - this.head
    }

    const wrappedStart = this.head + offset - this.capacity
    return offset + ring.subarray(wrappedStart, this.head + this.size - this.capacity).indexOf(0x0a)
  }
}

/** Newlines in `length` bytes of the ring from `start`, across its end. */
function countRing(ring: Buffer, start: number, length: number): number {
  const first = Math.min(length, ring.length - start)
  return countLines(ring, start, start + first) + countLines(ring, 0, length - first)
}

function countLines(bytes: Buffer, start: number, end: number): number {
  let lines = 0
  for (let i = bytes.indexOf(0x0a, start); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) lines++
  return lines
}
