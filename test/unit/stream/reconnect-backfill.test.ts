import {strict as assert} from 'node:assert'

import {ReconnectBackfill, type ReconnectBackfillOptions} from '../../../src/stream/reconnect-backfill.js'

/** A backfill whose fills the test finishes by hand, and one log of everything in output order. */
function harness(options: Partial<ReconnectBackfillOptions> = {}) {
  const output: string[] = []
  const fills: Array<{finish: (lines?: string[]) => void; fail: (error: Error) => void; signal: AbortSignal}> = []
  let running = 0
  let mostAtOnce = 0
  const backfill = new ReconnectBackfill({
    deliver: (frame) => output.push(frame.toString()),
    fill: async (signal) =>
      new Promise<void>((resolve, reject) => {
        mostAtOnce = Math.max(mostAtOnce, ++running)
        output.push(`fill ${fills.length + 1}`)
        fills.push({
          finish(lines = []) {
            output.push(...lines)
            running--
            resolve()
          },
          fail(error) {
            running--
            reject(error)
          },
          signal,
        })
      }),
    heldBytesAllowed: () => Number.POSITIVE_INFINITY,
    onDropped: (frames) => output.push(`dropped ${frames}`),
    onFillFailed: (error) => output.push(`failed: ${(error as Error).message}`),
    ...options,
  })
  return {backfill, output, fills, mostAtOnce: () => mostAtOnce}
}

const frames = (backfill: ReconnectBackfill, ...names: string[]): void => {
  for (const name of names) backfill.frame(Buffer.from(name))
}

const settled = async (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('ReconnectBackfill', () => {
  it('passes frames straight on while there is no gap', () => {
    const {backfill, output} = harness()
    frames(backfill, 'a', 'b')
    assert.deepEqual(output, ['a', 'b'])
    assert.equal(backfill.holding, false)
  })

  it('holds the new connection’s frames until the fill has written what was missed', async () => {
    const {backfill, output, fills} = harness()
    frames(backfill, 'a')
    backfill.gap()
    frames(backfill, 'c', 'd')
    assert.deepEqual(output, ['a', 'fill 1'])
    fills[0].finish(['b (backfilled)'])
    await settled()
    assert.deepEqual(output, ['a', 'fill 1', 'b (backfilled)', 'c', 'd'])
    frames(backfill, 'e')
    assert.deepEqual(output.at(-1), 'e')
  })

  it('keeps every frame through a loss during a fill, and fills the second gap after the frames before it', async () => {
    const {backfill, output, fills, mostAtOnce} = harness()
    frames(backfill, 'a')
    backfill.gap()
    frames(backfill, 'b1', 'b2')
    // That connection is lost too, and a third one opens while the first fill still runs.
    backfill.gap()
    frames(backfill, 'c1')
    fills[0].finish(['gap 1'])
    await settled()
    assert.deepEqual(output, ['a', 'fill 1', 'gap 1', 'b1', 'b2', 'fill 2'])
    frames(backfill, 'c2')
    fills[1].finish(['gap 2'])
    await settled()
    assert.deepEqual(output, ['a', 'fill 1', 'gap 1', 'b1', 'b2', 'fill 2', 'gap 2', 'c1', 'c2'])
    assert.equal(mostAtOnce(), 1)
  })

  it('runs one fill for gaps queued behind a running fill with no frame between them', async () => {
    const {backfill, output, fills} = harness()
    backfill.gap()
    frames(backfill, 'a')
    backfill.gap()
    backfill.gap()
    fills[0].finish()
    await settled()
    fills[1].finish()
    await settled()
    assert.deepEqual(output, ['fill 1', 'a', 'fill 2'])
    assert.equal(fills.length, 2)
  })

  it('says a failed fill and still delivers the frames it held', async () => {
    const {backfill, output, fills} = harness()
    backfill.gap()
    frames(backfill, 'a')
    fills[0].fail(new Error('Log Cache answered 500'))
    await settled()
    assert.deepEqual(output, ['fill 1', 'failed: Log Cache answered 500', 'a'])
    assert.equal(backfill.holding, false)
  })

  it('drops the oldest held frames past the byte budget and counts them once the fill is done', async () => {
    const {backfill, output, fills} = harness({heldBytesAllowed: () => 4})
    backfill.gap()
    frames(backfill, 'f1', 'f2')
    backfill.gap()
    frames(backfill, 'f3', 'f4')
    fills[0].finish()
    await settled()
    assert.deepEqual(output, ['fill 1', 'dropped 2', 'fill 2'])
    fills[1].finish()
    await settled()
    assert.deepEqual(output, ['fill 1', 'dropped 2', 'fill 2', 'f3', 'f4'])
  })

  it('on finish, stops the running fill and delivers every held frame in order', async () => {
    const {backfill, output, fills} = harness()
    backfill.gap()
    frames(backfill, 'a')
    backfill.gap()
    frames(backfill, 'b')
    const finished = backfill.finish()
    assert.equal(fills[0].signal.aborted, true)
    fills[0].fail(new Error('aborted'))
    await finished
    assert.deepEqual(output, ['fill 1', 'a', 'b'])
    backfill.gap()
    assert.equal(fills.length, 1)
  })
})
