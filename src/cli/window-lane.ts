/** What a lane hands its items to: the window. */
export interface LaneOwner {
  add<T>(lane: WindowLane<T>, timestampNs: bigint, bytes: number, item: T): void
}

/** An item held, and when it goes. */
export interface Entry<T> {
  /** The timestamp in ns as a double: 256 ns apart at worst, and ties go in arrival order. */
  key: number
  /** Arrival order, over every lane. */
  seq: number
  dueMs: number
  bytes: number
  item: T | undefined
}

// Released entries at the front of a lane are cut off in one splice once this many.
const COMPACT_AFTER = 1024

/**
 * One stream's items (an app's lines), in the order they came: a lane is never reordered within
 * itself, as one app's lines are not when it is tailed alone. Its items leave through `release`.
 */
export class WindowLane<T> {
  /** @internal The lane's items from `head` on, oldest first. */
  readonly entries: Array<Entry<T> | undefined> = []
  /** @internal */
  head = 0
  /** @internal The first item's key and seq, kept here so that the heap compares lanes without reaching their items. */
  firstKey = 0
  /** @internal */
  firstSeq = 0

  constructor(
    private readonly window: LaneOwner,
    readonly release: (item: T) => void,
  ) {}

  push(timestampNs: bigint, bytes: number, item: T): void {
    this.window.add(this, timestampNs, bytes, item)
  }

  /** @internal The lane's oldest item, undefined when it holds none. */
  get first(): Entry<T> | undefined {
    return this.entries[this.head]
  }

  /** @internal Takes the oldest item out. */
  shift(): Entry<T> {
    const entry = this.entries[this.head]!
    this.entries[this.head++] = undefined
    if (this.head === this.entries.length) {
      this.entries.length = 0
      this.head = 0
      return entry
    }

    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.entries.length) {
      this.entries.splice(0, this.head)
      this.head = 0
    }

    const next = this.entries[this.head]!
    this.firstKey = next.key
    this.firstSeq = next.seq
    return entry
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
