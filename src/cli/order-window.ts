import {type Entry, LaneHeap, type LaneOwner, WindowLane} from './window-lane.js'

export {WindowLane} from './window-lane.js'

// Enough for what a flood keeps in the window at its byte bound.
const MAX_SPARE_ENTRIES = 16_384

/** The window's time: tests pass one they move by hand. */
export interface WindowClock {
  now(): number
  /** Calls `callback` once after `delayMs`; `cancel` stops it. */
  after(delayMs: number, callback: () => void): {cancel(): void}
}

const REAL_CLOCK: WindowClock = {
  now: () => performance.now(),
  after(delayMs, callback) {
    const timer = setTimeout(callback, delayMs).unref()
    return {cancel: () => clearTimeout(timer)}
  },
}

export interface OrderWindowOptions {
  /** How long an item may wait for older ones from other lanes (`--order-window`), above 0. */
  windowMs: number
  /** Bound of what is held, in the bytes the callers count for each item: past it the oldest go out early. */
  maxHeldBytes: number
  /** The bound while a hold is on (the history of every lane, merged whole): maxHeldBytes unless larger. */
  maxHeldBytesWhileHeld?: number
  /** Told after each batch of releases: the caller writes them out. */
  onReleased: () => void
  clock?: WindowClock
}

/**
 * Merges the items of several lanes (one per app) in timestamp order, as cf CLI v6's sort buffer
 * did for its sources: an item waits at most `windowMs` from its arrival, and when it goes, the
 * older heads of the other lanes go before it. Each lane keeps its own order, so a merge costs a
 * look at the lanes' heads (a heap of them) rather than a sort of every item. Memory is bounded:
 * past `maxHeldBytes` the oldest go out at once, so a flood only shortens the wait. `flush()`
 * releases everything: no item is ever kept back at the end.
 */
export class OrderWindow implements LaneOwner {
  private readonly heads = new LaneHeap()
  // Entries released, for the next items: a flood then allocates none, and the garbage collector
  // copies none of them from one young generation to the next.
  private readonly spare: Array<Entry<unknown>> = []
  private seq = 0
  private heldBytes = 0
  private held = 0
  private holds = 0
  private timer?: {cancel(): void}
  private readonly clock: WindowClock

  constructor(private readonly options: OrderWindowOptions) {
    this.clock = options.clock ?? REAL_CLOCK
  }

  /** Items held now. */
  get size(): number {
    return this.held
  }

  lane<T>(release: (item: T) => void): WindowLane<T> {
    return new WindowLane(this, release)
  }

  /** @internal Through WindowLane.push. */
  add<T>(lane: WindowLane<T>, timestampNs: bigint, bytes: number, item: T): void {
    const wasEmpty = lane.first === undefined
    const entry = (this.spare.pop() as Entry<T> | undefined) ?? {key: 0, seq: 0, dueMs: 0, bytes: 0, item: undefined}
    entry.key = Number(timestampNs)
    entry.seq = this.seq++
    entry.dueMs = this.clock.now() + this.options.windowMs
    entry.bytes = bytes
    entry.item = item
    lane.entries.push(entry)
    if (wasEmpty) {
      lane.firstKey = entry.key
      lane.firstSeq = entry.seq
      this.heads.push(lane as WindowLane<unknown>)
    }
    this.held++
    this.heldBytes += bytes
    const bound =
      this.holds > 0
        ? Math.max(this.options.maxHeldBytes, this.options.maxHeldBytesWhileHeld ?? 0)
        : this.options.maxHeldBytes
    if (this.heldBytes > bound) {
      // Down to three quarters: a flood then releases in runs, not one item for each that comes.
      while (this.heldBytes > bound * 0.75) this.releaseOldest()
      this.options.onReleased()
    }

    this.arm()
  }

  /**
   * Keeps every item until the returned function is called (each one once): the history of every
   * lane is read before any of it is printed, so it comes out merged. The byte bound still holds.
   */
  hold(): () => void {
    this.holds++
    this.timer?.cancel()
    this.timer = undefined
    let released = false
    return () => {
      if (released) return
      released = true
      if (--this.holds === 0) this.releaseDue()
    }
  }

  /** Releases everything held, in timestamp order; the window stays usable. */
  flush(): void {
    this.timer?.cancel()
    this.timer = undefined
    if (this.held === 0) return
    while (this.held > 0) this.releaseOldest()
    this.options.onReleased()
  }

  private releaseDue(): void {
    this.timer = undefined
    if (this.holds > 0) return
    const now = this.clock.now()
    let releasedAny = false
    for (
      let earliest = this.earliestArrival();
      earliest !== undefined && earliest.dueMs <= now;
      earliest = this.earliestArrival()
    ) {
      // Everything older than the item that is due goes first, then the item itself.
      const {seq} = earliest
      while (this.releaseOldest() !== seq);
      releasedAny = true
    }

    if (releasedAny) this.options.onReleased()
    this.arm()
  }

  private arm(): void {
    if (this.timer !== undefined || this.holds > 0) return
    const earliest = this.earliestArrival()
    if (earliest === undefined) return
    this.timer = this.clock.after(Math.max(0, earliest.dueMs - this.clock.now()), () => this.releaseDue())
  }

  /** The item held longest: the first of one of the lanes. */
  private earliestArrival(): Entry<unknown> | undefined {
    let earliest: Entry<unknown> | undefined
    for (const lane of this.heads.lanes)
      if (earliest === undefined || lane.firstSeq < earliest.seq) earliest = lane.first
    return earliest
  }

  /** Releases the oldest of the lanes' first items; says which (its `seq`). */
  private releaseOldest(): number {
    const lane = this.heads.top!
    const entry = lane.shift()
    if (lane.first === undefined) this.heads.removeTop()
    else this.heads.topMoved()

    this.held--
    this.heldBytes -= entry.bytes
    const {item, seq} = entry
    entry.item = undefined
    if (this.spare.length < MAX_SPARE_ENTRIES) this.spare.push(entry)
    lane.release(item)
    return seq
  }
}
