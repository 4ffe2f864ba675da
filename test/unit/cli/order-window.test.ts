import {strict as assert} from 'node:assert'

import {OrderWindow, type OrderWindowOptions, type WindowLane} from '../../../src/cli/order-window.js'
import {ManualClock} from '../../helpers/manual-clock.js'

/**
 * A window of 300 ms with a lane per stream, items named by their lane's letter and a number
 * (`a3`: lane a, 3 s), and what it released, batch by batch.
 */
function harness(options: Partial<OrderWindowOptions> = {}) {
  const clock = new ManualClock()
  const batches: string[][] = []
  let batch: string[] = []
  const window = new OrderWindow({
    windowMs: 300,
    maxHeldBytes: 1000,
    clock,
    onReleased() {
      batches.push(batch)
      batch = []
    },
    ...options,
  })
  const lanes = new Map<string, WindowLane<string>>()
  const laneOf = (name: string): WindowLane<string> => {
    if (!lanes.has(name))
      lanes.set(
        name,
        window.lane((item: string) => batch.push(item)),
      )
    return lanes.get(name)!
  }

  const push = (second: number, item: string, bytes = 10): void => laneOf(item[0]).push(second * 1e9, bytes, item)
  return {window, clock, batches, push, laneOf, released: () => batches.flat()}
}

describe('OrderWindow', () => {
  it('holds items for the window, then releases them in timestamp order', () => {
    const {clock, batches, push} = harness()
    push(3, 'a3')
    push(1, 'b1')
    clock.advance(100)
    push(2, 'c2')
    clock.advance(199)
    assert.deepEqual(batches, [])
    clock.advance(1)
    // a3 is due, and everything older goes before it, b1 and c2 too though c2 came later.
    assert.deepEqual(batches, [['b1', 'c2', 'a3']])
  })

  it('keeps an item that is newer than the one due until its own time', () => {
    const {clock, batches, push} = harness()
    push(1, 'a1')
    clock.advance(200)
    push(5, 'b5')
    push(0, 'c0')
    clock.advance(100)
    assert.deepEqual(batches, [['c0', 'a1']])
    clock.advance(199)
    assert.equal(batches.length, 1)
    clock.advance(1)
    assert.deepEqual(batches, [['c0', 'a1'], ['b5']])
  })

  it('keeps arrival order among equal timestamps', () => {
    const {clock, released, push} = harness()
    for (const item of ['x', 'y', 'z']) push(7, item)
    push(7, 'w')
    clock.advance(300)
    assert.deepEqual(released(), ['x', 'y', 'z', 'w'])
  })

  it('merges many items of interleaved lanes, each in its own order, each released exactly once', () => {
    const {clock, window, released, laneOf} = harness({maxHeldBytes: Number.POSITIVE_INFINITY})
    const expected: string[] = []
    for (let i = 0; i < 5000; i++) {
      // Three lanes, each in order, their timestamps interleaved, arriving in bursts of one lane.
      const lane = 'abc'[Math.floor(i / 50) % 3]
      const ns = (i % 50) * 3000 + Math.floor(i / 150) * 1_000_000 + 'abc'.indexOf(lane) * 1000
      const item = `${lane}${ns}`
      expected.push(item)
      laneOf(lane).push(ns, 1, item)
      if (i % 100 === 99) clock.advance(1)
    }

    clock.advance(300)
    const key = (item: string): bigint => BigInt(item.slice(1))
    assert.deepEqual(
      released(),
      expected.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0)),
    )
    assert.equal(window.size, 0)
    assert.equal(clock.pending, 0, 'no timer left once empty')
  })

  it('never reorders a lane within itself', () => {
    const {clock, released, push} = harness()
    push(5, 'a5')
    push(1, 'a1')
    push(3, 'b3')
    clock.advance(300)
    assert.deepEqual(released(), ['b3', 'a5', 'a1'])
  })

  it('releases the oldest items early, down to three quarters of its bound, when it holds more', () => {
    const {clock, batches, push, window} = harness({maxHeldBytes: 25})
    push(2, 'a2')
    push(3, 'a3')
    assert.deepEqual(batches, [])
    push(1, 'b1')
    // Down to three quarters of the bound, the oldest by timestamp first, at once.
    assert.deepEqual(batches, [['b1', 'a2']])
    assert.equal(window.size, 1)
    clock.advance(300)
    assert.deepEqual(batches, [['b1', 'a2'], ['a3']])
  })

  it('a flood of large items never holds more than the bound', () => {
    const {window, push, released} = harness({maxHeldBytes: 1000})
    for (let i = 0; i < 10_000; i++) {
      push(i, `item ${i}`, 300)
      assert.ok(window.size <= 3)
    }

    assert.equal(released().length, 10_000 - window.size)
  })

  it('flush releases everything at once, in order, and the window goes on', () => {
    const {clock, batches, push, window} = harness()
    push(2, 'a2')
    push(1, 'b1')
    window.flush()
    assert.deepEqual(batches, [['b1', 'a2']])
    assert.equal(clock.pending, 0)
    push(4, 'a4')
    clock.advance(300)
    assert.deepEqual(batches, [['b1', 'a2'], ['a4']])
  })

  it('flush with nothing held tells nobody', () => {
    const {batches, window} = harness()
    window.flush()
    assert.deepEqual(batches, [])
  })

  it('holds everything while a hold is on, then releases what is due in timestamp order', () => {
    const {clock, batches, push, window} = harness()
    const first = window.hold()
    const second = window.hold()
    push(5, 'a5')
    push(3, 'c3')
    clock.advance(1000)
    push(4, 'b4')
    assert.deepEqual(batches, [])
    first()
    first()
    clock.advance(1000)
    assert.deepEqual(batches, [], 'one hold is still on')
    second()
    assert.deepEqual(batches, [['c3', 'b4', 'a5']])
  })

  it('holds up to its larger bound while a hold is on, and goes back to its own after', () => {
    const {clock, batches, push, window} = harness({maxHeldBytes: 25, maxHeldBytesWhileHeld: 45})
    const release = window.hold()
    for (const item of ['a1', 'b2', 'a3', 'b4']) push(Number(item[1]), item)
    assert.deepEqual(batches, [], '40 bytes held')
    push(5, 'c5')
    assert.deepEqual(batches, [['a1', 'b2']], 'past 45: down to three quarters of it')
    release()
    push(6, 'c6')
    assert.deepEqual(
      batches,
      [
        ['a1', 'b2'],
        ['a3', 'b4', 'c5'],
      ],
      'past 25 once the hold is off: down to three quarters of 25',
    )
    clock.advance(300)
    assert.deepEqual(batches.at(-1), ['c6'])
  })

  it('keeps its bound while held', () => {
    const {batches, push, window} = harness({maxHeldBytes: 15})
    window.hold()
    push(2, 'a2')
    push(1, 'b1')
    assert.deepEqual(batches, [['b1']])
  })

  it('tells a lane when a run of its items released in a row ends', () => {
    const clock = new ManualClock()
    const events: string[] = []
    const window = new OrderWindow({windowMs: 300, maxHeldBytes: 1000, clock, onReleased: () => events.push('batch')})
    const lanes = Object.fromEntries(
      ['a', 'b'].map((name) => [
        name,
        window.lane(
          (item: string) => events.push(item),
          () => events.push(`end ${name}`),
        ),
      ]),
    )
    for (const [second, item] of [
      [1, 'a1'],
      [2, 'a2'],
      [3, 'b3'],
      [4, 'a4'],
      [5, 'a5'],
    ] as const)
      lanes[item[0]].push(second, 1, item)
    window.flush()
    assert.deepEqual(events, ['a1', 'a2', 'end a', 'b3', 'end b', 'a4', 'a5', 'end a', 'batch'])
  })

  it('gives back the room a burst took once the lane is empty again', () => {
    const {window, laneOf} = harness({maxHeldBytes: Number.POSITIVE_INFINITY})
    const lane = laneOf('a')
    for (let i = 0; i < 10_000; i++) lane.push(i, 1, `a${i}`)
    assert.ok(lane.keys.length >= 10_000)
    window.flush()
    assert.ok(lane.keys.length <= 64, `${lane.keys.length} slots kept`)
  })

  it('on the real clock, stamps each turn’s items with that turn’s time', async () => {
    const windowMs = 20
    let released: (() => void) | undefined
    const window = new OrderWindow({windowMs, maxHeldBytes: 1000, onReleased: () => released?.()})
    const lane = window.lane(() => {})
    const heldFor = async (item: string): Promise<number> => {
      const start = performance.now()
      const out = new Promise<void>((resolve) => (released = resolve))
      lane.push(0, 1, item)
      await out
      return performance.now() - start
    }

    // The second item comes in a later turn: it must wait its own window, not the first one's.
    assert.ok((await heldFor('first')) >= windowMs)
    assert.ok((await heldFor('second')) >= windowMs)
  })
})
