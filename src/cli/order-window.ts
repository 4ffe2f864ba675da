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

export interface OrderWindowOptions<T> {
  /** How long an item may wait for older ones from other streams (`--order-window`), above 0. */
  windowMs: number
  /** Bound of what is held, in the bytes the caller counts for each item: past it the oldest go out early. */
  maxHeldBytes: number
  /** Takes each released item, in timestamp order (arrival order among equal timestamps). */
  release: (item: T) => void
  /** Told after each batch of releases: the caller writes them out. */
  onReleased: () => void
  clock?: WindowClock
}

interface Entry<T> {
  /** The timestamp in ns as a double: 256 ns apart at worst, and ties go in arrival order. */
  key: number
  seq: number
  dueMs: number
  bytes: number
  item: T
  released: boolean
}

// Released entries at the front of the arrival queue are cut off in one splice once this many.
const COMPACT_AFTER = 1024

/**
 * Merges the items of several streams in timestamp order (cf CLI v6's sort buffer for several
 * sources): each item waits at most `windowMs` from its arrival, and when it goes, every held item
 * with an older timestamp goes before it. Memory is bounded: past `maxHeldBytes` the oldest items
 * go out at once, so a flood only shortens the wait. `flush()` releases everything: no item is
 * ever kept back at the end.
 */
export class OrderWindow<T> {
  // A binary min-heap by (key, seq), and the same entries in arrival order from `arrivalsHead`.
  private readonly heap: Array<Entry<T>> = []
  private arrivals: Array<Entry<T>> = []
  private arrivalsHead = 0
  private seq = 0
  private heldBytes = 0
  private holds = 0
  private timer?: {cancel(): void}
  private readonly clock: WindowClock

  constructor(private readonly options: OrderWindowOptions<T>) {
    this.clock = options.clock ?? REAL_CLOCK
  }

  /** Items held now. */
  get size(): number {
    return this.heap.length
  }

  push(timestampNs: bigint, bytes: number, item: T): void {
    const entry: Entry<T> = {key: Number(timestampNs), seq: this.seq++, dueMs: this.clock.now() + this.options.windowMs, bytes, item, released: false}
    this.heapPush(entry)
    this.arrivals.push(entry)
    this.heldBytes += bytes
    if (this.heldBytes > this.options.maxHeldBytes) {
      while (this.heldBytes > this.options.maxHeldBytes) this.releaseOldest()
      this.options.onReleased()
    }

    this.arm()
  }

  /**
   * Keeps every item until the returned function is called (each one once): the history of every
   * stream is read before any of it is printed, so it comes out merged. The byte bound still holds.
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
    if (this.heap.length === 0) return
    while (this.heap.length > 0) this.releaseOldest()
    this.arrivals = []
    this.arrivalsHead = 0
    this.options.onReleased()
  }

  private releaseDue(): void {
    this.timer = undefined
    if (this.holds > 0) return
    const now = this.clock.now()
    let releasedAny = false
    for (let head = this.firstHeld(); head !== undefined && head.dueMs <= now; head = this.firstHeld()) {
      while (!head.released) this.releaseOldest()
      releasedAny = true
    }

    if (releasedAny) this.options.onReleased()
    this.arm()
  }

  private arm(): void {
    if (this.timer !== undefined || this.holds > 0) return
    const head = this.firstHeld()
    if (head === undefined) return
    this.timer = this.clock.after(Math.max(0, head.dueMs - this.clock.now()), () => this.releaseDue())
  }

  /** The earliest arrival still held. */
  private firstHeld(): Entry<T> | undefined {
    const {arrivals} = this
    while (this.arrivalsHead < arrivals.length && arrivals[this.arrivalsHead].released) this.arrivalsHead++
    if (this.arrivalsHead >= COMPACT_AFTER && this.arrivalsHead * 2 >= arrivals.length) {
      arrivals.splice(0, this.arrivalsHead)
      this.arrivalsHead = 0
    }

    return arrivals[this.arrivalsHead]
  }

  private releaseOldest(): void {
    const entry = this.heapPop()
    entry.released = true
    this.heldBytes -= entry.bytes
    this.options.release(entry.item)
  }

  private heapPush(entry: Entry<T>): void {
    const {heap} = this
    let at = heap.length
    heap.push(entry)
    while (at > 0) {
      const parent = (at - 1) >> 1
      if (!before(entry, heap[parent])) break
      heap[at] = heap[parent]
      at = parent
    }

    heap[at] = entry
  }

  private heapPop(): Entry<T> {
    const {heap} = this
    const top = heap[0]
    const last = heap.pop()!
    if (heap.length === 0) return top
    let at = 0
    for (;;) {
      const left = at * 2 + 1
      if (left >= heap.length) break
      const child = left + 1 < heap.length && before(heap[left + 1], heap[left]) ? left + 1 : left
      if (!before(heap[child], last)) break
      heap[at] = heap[child]
      at = child
    }

    heap[at] = last
    return top
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq)
}
