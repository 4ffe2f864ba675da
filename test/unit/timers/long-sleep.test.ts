import {strict as assert} from 'node:assert'

import {MAX_TIMER_DELAY_MS, sleepUnlessAborted} from '../../../src/timers/long-sleep.js'

const pendingTimers = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length

describe('sleepUnlessAborted', () => {
  it('resolves true once the time is up', async () => {
    assert.equal(await sleepUnlessAborted(5), true)
  })

  it('waits past the longest timer Node keeps instead of firing at once, and ends on abort, leaving no timer', async () => {
    assert.equal(MAX_TIMER_DELAY_MS, 2_147_483_647)
    const controller = new AbortController()
    try {
      // Counted after a first await: mocha arms its own test timer once the test has started.
      await sleepUnlessAborted(1)
      const before = pendingTimers()
      const outcomes: boolean[] = []
      const sleeping = sleepUnlessAborted(MAX_TIMER_DELAY_MS + 1, controller.signal).then((slept) =>
        outcomes.push(slept),
      )
      assert.equal(pendingTimers(), before + 1)
      // setTimeout would have turned this wait into 1 ms: by now it would have fired.
      await sleepUnlessAborted(20)
      assert.deepEqual(outcomes, [])
      controller.abort()
      await sleeping
      assert.deepEqual(outcomes, [false])
      assert.equal(pendingTimers(), before)
    } finally {
      controller.abort()
    }
  })

  it('resolves false at once, without a timer, when the signal has already aborted', async () => {
    await sleepUnlessAborted(1)
    const before = pendingTimers()
    const sleeping = sleepUnlessAborted(60_000, AbortSignal.abort())
    assert.equal(pendingTimers(), before)
    assert.equal(await sleeping, false)
  })
})
