import {LaneHeap, type LaneOwner, WindowLane} from './window-lane.js'

export {WindowLane} from './window-lane.js'

/** The window's time: tests pass one they move by hand. */
export interface WindowClock {
  now(): number
  /** Calls `callback` once after `delayMs`; `cancel` stops it. */
  after(delayMs: number, callback: () => void): {cancel(): void}
}

/**
 * The real clock, read once a turn of the event loop: the lines of one socket read arrive
 * together, and a read of the clock for each of them cost more than the rest of their way in.
 */
function turnClock(): WindowClock {
  let turnMs: number | undefined
  const forget = (): void => {
    turnMs = undefined
  }

  return {
    now() {
      if (turnMs === undefined) {
        turnMs = performance.now()
        queueMicrotask(forget)
      }

      return turnMs
    },
    after(delayMs, callback) {
      const timer = setTimeout(callback, delayMs).unref()
      return {cancel: () => clearTimeout(timer)}
    },
  }
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
 * did for its sources: an item waits at most `windowMs` from its arrival (the turn of the event
 * loop it came in), and when it goes, the older heads of the other lanes go before it. Each lane
 * keeps its own order, so a merge costs a look at the lanes' heads (a heap of them) rather than a
 * sort of every item. Memory is bounded:
 * past `maxHeldBytes` the oldest go out at once, so a flood only shortens the wait. `flush()`
 * releases everything: no item is ever kept back at the end.
 */
export class OrderWindow implements LaneOwner {
  private readonly heads = new LaneHeap()
  private seq = 0
  private heldBytes = 0
  private held = 0
  private holds = 0
  private timer?: {cancel(): void}
  // The lane whose items the current batch is releasing, while it releases them in a row.
  private runLane?: WindowLane<unknown>
  private readonly clock: WindowClock

  constructor(private readonly options: OrderWindowOptions) {
    this.clock = options.clock ?? turnClock()
  }

  /** Items held now. */
  get size(): number {
    return this.held
  }

  /** A lane of its own for a stream; `endRun`: see WindowLane. */
  lane<T>(release: (item: T) => void, endRun?: () => void): WindowLane<T> {
    return new WindowLane(this, release, endRun)
  }

  /** @internal Through WindowLane.push. */
  added(lane: WindowLane<unknown>, slot: number): void {
    lane.seqs[slot] = this.seq++
    lane.dues[slot] = this.clock.now() + this.options.windowMs
    if (lane.count === 1) {
      lane.firstKey = lane.keys[slot]
      lane.firstSeq = lane.seqs[slot]
      this.heads.push(lane)
    }

    this.held++
    this.heldBytes += lane.sizes[slot]
    const bound =
      this.holds > 0
        ? Math.max(this.options.maxHeldBytes, this.options.maxHeldBytesWhileHeld ?? 0)
        : this.options.maxHeldBytes
    if (this.heldBytes > bound) {
      // Down to three quarters: a flood then releases in runs, not one item for each that comes.
      while (this.heldBytes > bound * 0.75) this.releaseOldest()
      this.endBatch()
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
    this.endBatch()
  }

  private releaseDue(): void {
    this.timer = undefined
    if (this.holds > 0) return
    const now = this.clock.now()
    let releasedAny = false
    for (let earliest = this.earliestArrival(); earliest !== undefined; earliest = this.earliestArrival()) {
      if (earliest.dues[earliest.head] > now) break
      // Everything older than the item that is due goes first, then the item itself.
      const seq = earliest.firstSeq
      while (this.releaseOldest() !== seq);
      releasedAny = true
    }

    if (releasedAny) this.endBatch()
    this.arm()
  }

  private arm(): void {
    if (this.timer !== undefined || this.holds > 0) return
    const earliest = this.earliestArrival()
    if (earliest === undefined) return
    const dueMs = earliest.dues[earliest.head]
    this.timer = this.clock.after(Math.max(0, dueMs - this.clock.now()), () => this.releaseDue())
  }

  /** The lane whose first item is the one held longest. */
  private earliestArrival(): WindowLane<unknown> | undefined {
    let earliest: WindowLane<unknown> | undefined
    for (const lane of this.heads.lanes)
      if (earliest === undefined || lane.firstSeq < earliest.firstSeq) earliest = lane
    return earliest
  }

  /** Releases the oldest of the lanes' first items; says which (its `seq`). */
  private releaseOldest(): number {
    const lane = this.heads.top!
    const seq = lane.firstSeq
    this.heldBytes -= lane.sizes[lane.head]
    this.held--
    const item = lane.shift()
    if (lane.count === 0) this.heads.removeTop()
    else this.heads.topMoved()

    if (lane !== this.runLane) {
      this.runLane?.endRun()
      this.runLane = lane
    }

    lane.release(item)
    return seq
  }

  private endBatch(): void {
    this.runLane?.endRun()
    this.runLane = undefined
    this.options.onReleased()
  }
}
