import {strict as assert} from 'node:assert'

import {tailStream, type TailOptions} from '../../../src/stream/tail.js'
import {FakeTrafficController} from '../../helpers/fake-traffic-controller.js'

describe('tailStream', () => {
  let tc: FakeTrafficController
  let controller: AbortController
  let frames: string[]
  let notices: string[]
  let refreshes: number

  beforeEach(async () => {
    tc = await FakeTrafficController.start()
    controller = new AbortController()
    frames = []
    notices = []
    refreshes = 0
  })
  afterEach(async () => {
    controller.abort()
    await tc.close()
  })

  function tail(overrides: Partial<TailOptions> = {}): Promise<void> {
    return tailStream({
      url: new URL(`${tc.url}/apps/g-1/stream`),
      kind: 'app',
      tokens: {
        validToken: async () => `bearer token-${refreshes}`,
        refresh: async () => `bearer token-${++refreshes}`,
      },
      verifyTls: true,
      handshakeTimeoutMs: 1000,
      idleTimeoutMs: 5000,
      retry: {initialDelayMs: 1, maxDelayMs: 4, stableAfterMs: 60_000},
      signal: controller.signal,
      onFrame: (frame) => frames.push(frame.toString()),
      onNotice: (text) => notices.push(text),
      random: () => 1,
      ...overrides,
    })
  }

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1))
  }

  it('reconnects after a drop without a close frame and after a clean 1000, saying so on each', async () => {
    const done = tail()
    const first = await tc.nextClient()
    first.send('a')
    await until(() => frames.length === 1)
    first.terminate()
    const second = await tc.nextClient()
    second.send('b')
    await until(() => frames.length === 2)
    second.close(1000)
    const third = await tc.nextClient()
    third.send('c')
    await until(() => frames.length === 3)
    controller.abort()
    await done
    assert.deepEqual(frames, ['a', 'b', 'c'])
    assert.deepEqual(notices, [
      'connection lost (dropped without a close frame (1006)); reconnecting in 0.0s (attempt 1)',
      `reconnected to ${tc.url}`,
      'connection lost (the server ended the stream (1000)); reconnecting in 0.0s (attempt 2)',
      `reconnected to ${tc.url}`,
    ])
  })

  it('reconnects when nothing arrives for the idle timeout', async () => {
    const done = tail({idleTimeoutMs: 30})
    await tc.nextClient()
    await tc.nextClient()
    controller.abort()
    await done
    assert.match(notices[0], /^connection lost \(no data or ping for 0\.03s\); reconnecting/)
  })

  it('keeps a connection whose frames and pings come more often than the idle timeout', async () => {
    const done = tail({idleTimeoutMs: 60})
    const client = await tc.nextClient()
    for (let i = 0; i < 8; i++) {
      if (i % 2) client.ping()
      else client.send(String(i))
      await new Promise((resolve) => setTimeout(resolve, 30))
    }

    controller.abort()
    await done
    assert.deepEqual(notices, [])
    assert.equal(tc.upgrades.length, 1)
  })

  it('refreshes the token once on a 401 and connects with the new one', async () => {
    let answered = false
    tc.answer = () => {
      if (answered) return undefined
      answered = true
      return 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
    }

    const done = tail()
    await tc.nextClient()
    controller.abort()
    await done
    assert.deepEqual(tc.upgrades.map((u) => u.authorization), ['bearer token-0', 'bearer token-1'])
  })

  it('fails at once when the first connection fails, without retrying', async () => {
    tc.refuseWith('503 Service Unavailable')
    await assert.rejects(tail(), {code: 'SERVER_ERROR'})
    assert.equal(tc.upgrades.length, 1)
  })

  it('gives up after --max-retries failed reconnects in a row (exit 6)', async () => {
    const done = tail({retry: {initialDelayMs: 1, maxDelayMs: 2, stableAfterMs: 60_000, maxRetries: 2}})
    const client = await tc.nextClient()
    tc.refuseWith('503 Service Unavailable')
    client.terminate()
    await assert.rejects(done, {code: 'RETRIES_EXHAUSTED', exitCode: 6, message: /^Gave up after 2 failed reconnects: /})
    assert.equal(tc.upgrades.length, 3, 'the first connection, then two failed reconnects')
  })

  it('with --max-retries 0, gives up as soon as the connection is lost', async () => {
    const done = tail({retry: {initialDelayMs: 1, maxDelayMs: 2, stableAfterMs: 60_000, maxRetries: 0}})
    ;(await tc.nextClient()).terminate()
    await assert.rejects(done, {code: 'RETRIES_EXHAUSTED', message: 'Gave up after 0 failed reconnects: connection lost (dropped without a close frame (1006))'})
  })

  it('closes the socket with 1000 when aborted', async () => {
    const done = tail()
    const client = await tc.nextClient()
    const closed = new Promise<number>((resolve) => client.once('close', resolve))
    controller.abort()
    await done
    assert.equal(await closed, 1000)
  })
})
