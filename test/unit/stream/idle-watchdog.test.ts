import {strict as assert} from 'node:assert'

import {watchIdle} from '../../../src/stream/idle-watchdog.js'

const sleep = async (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Holds the event loop as a stopped process (Ctrl-Z) or a terminal that takes no output (Ctrl-S) does. */
function blockFor(ms: number): void {
  const until = Date.now() + ms
  while (Date.now() < until);
}

describe('watchIdle', () => {
  it('calls a connection idle once nothing happened for the timeout', async () => {
    let idle = 0
    const stop = watchIdle({activity: {events: 0}, idleTimeoutMs: 80, paused: () => false, onIdle: () => idle++})
    await sleep(150)
    stop()
    assert.equal(idle, 1)
  })

  it('does not count as silence a time it could not run, and sees the frame that waited meanwhile', async () => {
    const activity = {events: 0}
    let idle = 0
    const stop = watchIdle({activity, idleTimeoutMs: 200, paused: () => false, onIdle: () => idle++})
    await sleep(60)
    // A timer's callback, as the process stops: the watchdog's overdue check runs in the same turn,
    // before the socket is read (the setImmediate stands for the read of what the server sent).
    blockFor(400)
    setImmediate(() => activity.events++)
    await sleep(150)
    stop()
    assert.equal(idle, 0)
  })
})
