/** What a lane tells of each item it takes: the window. */
export interface LaneOwner {
  /** The lane took an item in `slot`: the window stamps it (`seqs`, `dues`), and sets `firstKey` and `firstSeq` when it is the only one. */
  added(lane: WindowLane<unknown>, slot: number): void
}

// A lane starts with room for this many items and doubles as it needs; emptied, one that grew past
// SHRINK_ABOVE goes back to this, so that a burst (history merged whole) does not keep its room.
const INITIAL_SLOTS = 64
const SHRINK_ABOVE = 4096

/**
 * One stream's items (an app's lines), in the order they came: a lane is never reordered within
 * itself, as one app's lines are not when it is tailed alone. Its items leave through `release`;
 * `endRun` is told when the window turns to another lane after releasing some of this one's in a
 * row, and after each batch, so that a run of them can go out in one piece.
 *
 * The items wait in a ring of typed arrays, not in an object each: a flood then allocates nothing
 * per item, and what the window compares lies side by side.
 */
export class WindowLane<T> {
  /** @internal Timestamps in ns as doubles: 256 ns apart at worst, and ties go in arrival order. */
  keys = new Float64Array(INITIAL_SLOTS)
  /** @internal Arrival order, over every lane. */
  seqs = new Float64Array(INITIAL_SLOTS)
  /** @internal When each item is due, in the window's clock. */
  dues = new Float64Array(INITIAL_SLOTS)
  /** @internal What each item counts against the window's bound. */
  sizes = new Float64Array(INITIAL_SLOTS)
  /** @internal */
  items: Array<T | undefined> = new Array<T | undefined>(INITIAL_SLOTS)
  /** @internal The oldest item's slot; the ring's size is a power of two. */
  head = 0
  /** @internal Items held. */
  count = 0
  /** @internal The first item's key and seq, kept here so that the heap compares lanes without reaching into their rings. */
  firstKey = 0
  /** @internal */
  firstSeq = 0

  constructor(
    private readonly window: LaneOwner,
    readonly release: (item: T) => void,
    readonly endRun: () => void = () => {},
  ) {}

  /** `timestampNs` as a double: see WindowLane.keys. */
  push(timestampNs: number, bytes: number, item: T): void {
    if (this.count === this.keys.length) this.resize(this.keys.length * 2)
    const slot = (this.head + this.count) & (this.keys.length - 1)
    this.keys[slot] = timestampNs
    this.sizes[slot] = bytes
    this.items[slot] = item
    this.count++
    this.window.added(this as WindowLane<unknown>, slot)
  }

  /** @internal Takes the oldest item out; its size and seq are read before (`sizes[head]`, `firstSeq`). */
  shift(): T {
    const {head} = this
    const item = this.items[head] as T
    this.items[head] = undefined
    this.count--
    if (this.count === 0) {
      this.head = 0
      if (this.keys.length > SHRINK_ABOVE) this.resize(INITIAL_SLOTS)
      return item
    }

    const next = (head + 1) & (this.keys.length - 1)
    this.head = next
    this.firstKey = this.keys[next]
    this.firstSeq = this.seqs[next]
    return item
  }

  /** Moves the held items, oldest first, into rings of `slots`. */
  private resize(slots: number): void {
    const keys = new Float64Array(slots)
    const seqs = new Float64Array(slots)
    const dues = new Float64Array(slots)
    const sizes = new Float64Array(slots)
    const items = new Array<T | undefined>(slots)
    const mask = this.keys.length - 1
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) & mask
      keys[i] = this.keys[from]
      seqs[i] = this.seqs[from]
      dues[i] = this.dues[from]
      sizes[i] = this.sizes[from]
      items[i] = this.items[from]
    }

    this.keys = keys
    this.seqs = seqs
    this.dues = dues
    this.sizes = sizes
    this.items = items
    this.head = 0
  }
}

/** The lanes that hold items, a binary min-heap by their first item's (key, seq). */
export class LaneHeap {
  readonly lanes: Array<WindowLane<unknown>> = []

  get top(): WindowLane<unknown> | undefined {
    return this.lanes[0]
  }

  push(lane: WindowLane<unknown>): void {
    const {lanes} = this
    let at = lanes.length
    lanes.push(lane)
    while (at > 0) {
      const parent = (at - 1) >> 1
      if (!before(lane, lanes[parent])) break
      lanes[at] = lanes[parent]
      at = parent
    }

    lanes[at] = lane
  }

  /** The top lane is empty now. */
  removeTop(): void {
    const last = this.lanes.pop()!
    if (this.lanes.length > 0) this.siftDown(last)
  }

  /** The top lane's first item changed: it moves down to its place. */
  topMoved(): void {
    this.siftDown(this.lanes[0])
  }

  /** Puts `lane` at the top and moves it down to its place. */
  private siftDown(lane: WindowLane<unknown>): void {
    const {lanes} = this
    let at = 0
    for (;;) {
      const left = at * 2 + 1
      if (left >= lanes.length) break
      const child = left + 1 < lanes.length && before(lanes[left + 1], lanes[left]) ? left + 1 : left
      if (!before(lanes[child], lane)) break
      lanes[at] = lanes[child]
      at = child
    }

    lanes[at] = lane
  }
}

function before(a: WindowLane<unknown>, b: WindowLane<unknown>): boolean {
  return a.firstKey < b.firstKey || (a.firstKey === b.firstKey && a.firstSeq < b.firstSeq)
}
