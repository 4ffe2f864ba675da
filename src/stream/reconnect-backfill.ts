export interface ReconnectBackfillOptions {
  /** Hands one live frame on, in order (the consumer decodes, dedupes and writes it). */
  deliver: (frame: Buffer) => void
  /** Closes the gap before a new connection: writes what was missed; resolves once written. */
  fill: (signal: AbortSignal) => Promise<void>
  /** Bytes of held frames allowed now (what is left of the output budget); past it the oldest go. */
  heldBytesAllowed: () => number
  /** Held frames dropped because the budget ran out, told once the fill that held them is done. */
  onDropped: (frames: number) => void
  /** A fill that failed: the gap stays, the stream goes on. */
  onFillFailed: (error: unknown) => void
}

/** Marks where a gap was in the sequence of held frames: a fill runs there. */
const GAP = Symbol('gap')
const EMPTY = Buffer.alloc(0)

/** Frames held in a row, the oldest at `head` (dropping from the front costs no copy). */
interface Held {
  frames: Buffer[]
  head: number
}

type Segment = Held | typeof GAP

/**
 * Orders a stream's live frames around the fills that close its gaps (PROTOCOL.md §7: Log Cache
 * holds what a reconnect missed). Each reconnect is a gap; the frames of the new connection wait
 * until the fill before them has written what was missed. Fills run one at a time, in the order of
 * their gaps, each starting once every frame before its gap is delivered; a loss during a fill only
 * queues one more gap behind the frames already held, so no held frame is ever thrown away but for
 * the byte budget, and that is counted.
 */
export class ReconnectBackfill {
  private readonly segments: Segment[] = []
  private held = 0
  private droppedFrames = 0
  private filling?: Promise<void>
  private readonly fillAbort = new AbortController()
  private finishing = false

  constructor(private readonly options: ReconnectBackfillOptions) {}

  /** Bytes of the frames held now. */
  get heldBytes(): number {
    return this.held
  }

  /** Whether frames are being held for a fill. */
  get holding(): boolean {
    return this.segments.length > 0 || this.filling !== undefined
  }

  frame(frame: Buffer): void {
    if (!this.holding) {
      this.options.deliver(frame)
      return
    }

    let last = this.segments.at(-1)
    if (last === undefined || last === GAP) this.segments.push((last = {frames: [], head: 0}))
    last.frames.push(frame)
    this.held += frame.length
    this.keepWithinBudget()
  }

  /** A new connection is open, its frames not yet received: what came before it is a gap. */
  gap(): void {
    if (this.finishing) return
    if (this.segments.at(-1) !== GAP) this.segments.push(GAP)
    this.advance()
  }

  /**
   * The stream ended: a running fill is stopped, and every frame still held is delivered in order
   * (no gap after it is filled any more). Resolves once that is done.
   */
  async finish(): Promise<void> {
    this.finishing = true
    this.fillAbort.abort()
    await this.filling
    for (const segment of this.segments.splice(0)) if (segment !== GAP) this.deliverAll(segment)
    this.held = 0
    this.reportDropped()
  }

  private advance(): void {
    while (this.filling === undefined && this.segments.length > 0) {
      const next = this.segments.shift()!
      if (next !== GAP) {
        this.deliverAll(next)
        continue
      }

      this.filling = this.options
        .fill(this.fillAbort.signal)
        .catch((error: unknown) => {
          if (!this.fillAbort.signal.aborted) this.options.onFillFailed(error)
        })
        .finally(() => {
          this.filling = undefined
          this.reportDropped()
          if (!this.finishing) this.advance()
        })
    }
  }

  private deliverAll(held: Held): void {
    for (let i = held.head; i < held.frames.length; i++) {
      this.held -= held.frames[i].length
      this.options.deliver(held.frames[i])
    }
  }

  // The oldest held frames go first: the fill that is running may still bring their lines back.
  private keepWithinBudget(): void {
    const allowed = this.options.heldBytesAllowed()
    for (let i = 0; this.held > allowed && i < this.segments.length;) {
      const segment = this.segments[i]
      if (segment === GAP || segment.head === segment.frames.length) {
        i++
        continue
      }

      this.held -= segment.frames[segment.head].length
      segment.frames[segment.head++] = EMPTY
      this.droppedFrames++
    }
  }

  private reportDropped(): void {
    if (this.droppedFrames === 0) return
    const frames = this.droppedFrames
    this.droppedFrames = 0
    this.options.onDropped(frames)
  }
}
