/** mulberry32: numbers in [0, 1) that are the same every run for one seed: the demo tells the same story each time, and a failing test repeats. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), state | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** The choices a demo story makes, from one seeded sequence. */
export interface Dice {
  /** A number in [0, 1). */
  next(): number
  /** A number in [min, max). */
  between(min: number, max: number): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  /** A UUID made of the sequence, so a story's request ids are the same every run. */
  uuid(): string
}

export function seededDice(seed: number): Dice {
  const next = seeded(seed)
  const hex = (digits: number): string =>
    Array.from({length: digits}, () => Math.floor(next() * 16).toString(16)).join('')
  return {
    next,
    between: (min, max) => min + next() * (max - min),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(next() * 4)]}${hex(3)}-${hex(12)}`,
  }
}
