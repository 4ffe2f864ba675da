import {strict as assert} from 'node:assert'
import {once} from 'node:events'

import type {WebSocket} from 'ws'

import {MAX_MESSAGE_BYTES} from '../../../src/stream/connect.js'
import {tailStream, type TailOptions} from '../../../src/stream/tail.js'
import {FakeTrafficController} from '../../helpers/fake-traffic-controller.js'
import {ManualReadGate} from '../../helpers/read-gate.js'

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
      onFrame(frame) {
        frames.push(frame.toString())
        changed()
      },
      onNotice(text) {
        notices.push(text)
        changed()
      },
      random: () => 1,
      ...overrides,
    })
  }

  // Woken by every callback a condition reads (frames, notices, the tests' own counters): no polling.
  const waiters: Array<() => void> = []
  function changed(): void {
    for (const wake of waiters.splice(0)) wake()
  }

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve))
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

  it('reconnects when nothing arrives for the idle timeout, also after the wall clock was set back an hour', async () => {
    const wallClock = Date.now
    const done = tail({idleTimeoutMs: 30})
    const client = await tc.nextClient()
    // cfws pings a connection this quiet itself: its first ping says its side is open and watched.
    await once(client, 'ping')
    // As NTP stepping the clock back, or a VM restored from a snapshot: silence is measured all the same.
    Date.now = () => wallClock() - 3_600_000
    try {
      await tc.nextClient()
    } finally {
      Date.now = wallClock
    }

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

  it('keeps a quiet connection whose server answers its pings, below the server ping interval', async () => {
    tc.answerPings = true
    const done = tail({idleTimeoutMs: 60})
    const client = await tc.nextClient()
    let pings = 0
    client.on('ping', () => {
      pings++
      changed()
    })
    await until(() => pings >= 10)
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
    assert.deepEqual(
      tc.upgrades.map((u) => u.authorization),
      ['bearer token-0', 'bearer token-1'],
    )
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
    await assert.rejects(done, {
      code: 'RETRIES_EXHAUSTED',
      exitCode: 6,
      message: /^Gave up after 2 failed reconnects: /,
    })
    assert.equal(tc.upgrades.length, 3, 'the first connection, then two failed reconnects')
  })

  it('counts a reconnect the server drops before sending anything as failed, and one that brought a frame as working', async () => {
    const done = tail({retry: {initialDelayMs: 1, maxDelayMs: 2, stableAfterMs: 60_000, maxRetries: 2}})
    ;(await tc.nextClient()).terminate()
    ;(await tc.nextClient()).terminate()
    const working = await tc.nextClient()
    working.send('a line')
    await until(() => frames.includes('a line'))
    working.terminate()
    ;(await tc.nextClient()).terminate()
    ;(await tc.nextClient()).terminate()
    await assert.rejects(done, {
      code: 'RETRIES_EXHAUSTED',
      message: 'Gave up after 2 failed reconnects: connection lost (dropped without a close frame (1006))',
    })
    assert.equal(tc.upgrades.length, 5, 'the first connection, one dropped, one that worked, then two dropped')
  })

  it('counts a reconnect that brought only a ping, or only pongs, as working', async () => {
    tc.answerPings = true
    const done = tail({
      idleTimeoutMs: 300,
      retry: {initialDelayMs: 1, maxDelayMs: 2, stableAfterMs: 60_000, maxRetries: 1},
    })
    ;(await tc.nextClient()).terminate()
    const pinged = await tc.nextClient()
    const pong = new Promise((resolve) => pinged.once('pong', resolve))
    pinged.ping()
    await pong
    pinged.terminate()
    const answered = await tc.nextClient()
    let pings = 0
    // The pong to cfws's first ping went out before its second one came.
    await new Promise<void>((resolve) => answered.on('ping', () => ++pings === 2 && resolve()))
    answered.terminate()
    ;(await tc.nextClient()).terminate()
    await assert.rejects(done, {code: 'RETRIES_EXHAUSTED', message: /^Gave up after 1 failed reconnects: /})
    assert.equal(tc.upgrades.length, 4, 'the first connection, one pinged, one answered, then one dropped')
  })

  it('tells a 404 to a reconnect as an app that may be gone, not as a missing role (exit 4)', async () => {
    const done = tail()
    const client = await openClient()
    // The app was deleted (or deleted and pushed again under a new GUID) while its stream ran.
    tc.refuseWith('404 Not Found')
    client.terminate()
    await assert.rejects(done, {
      code: 'LOGS_NOT_VISIBLE',
      exitCode: 4,
      message:
        "The Traffic Controller answered 404 to a reconnect of the app's stream: the app was deleted (or pushed again under a new GUID), or access to its logs was taken away",
      hint: /start cfws again; --app-regex \(or --all\) follows apps/,
    })
  })

  it('with --max-retries 0, gives up as soon as the connection is lost', async () => {
    const done = tail({retry: {initialDelayMs: 1, maxDelayMs: 2, stableAfterMs: 60_000, maxRetries: 0}})
    ;(await tc.nextClient()).terminate()
    await assert.rejects(done, {
      code: 'RETRIES_EXHAUSTED',
      message: 'Gave up after 0 failed reconnects: connection lost (dropped without a close frame (1006))',
    })
  })

  it('starts the backoff over after a stable connection, also one during which the wall clock was set back', async () => {
    const wallClock = Date.now
    const done = tail({retry: {initialDelayMs: 1, maxDelayMs: 4, stableAfterMs: 0}})
    ;(await openClient()).terminate()
    const second = await openClient()
    Date.now = () => wallClock() - 3_600_000
    try {
      second.terminate()
      await openClient()
    } finally {
      Date.now = wallClock
    }

    controller.abort()
    await done
    const waits = notices.filter((notice) => notice.startsWith('connection lost'))
    assert.deepEqual(
      waits.map((notice) => /\(attempt \d+\)$/.exec(notice)?.[0]),
      ['(attempt 1)', '(attempt 1)'],
    )
  })

  /** The server's side of the next connection, once cfws's side is open too (it has read a frame). */
  async function openClient(): Promise<WebSocket> {
    const client = await tc.nextClient()
    const seen = frames.length
    client.send('open')
    await until(() => frames.length === seen + 1)
    return client
  }

  it('closes the socket with 1000 when aborted', async () => {
    const done = tail()
    const client = await openClient()
    const closed = new Promise<number>((resolve) => client.once('close', resolve))
    controller.abort()
    await done
    assert.equal(await closed, 1000)
  })

  describe('says why a connection ended, with the close code, and reconnects', () => {
    const unanswered = (bytes: number[]): Buffer => Buffer.from(bytes)
    const cases: Array<[string, (client: WebSocket) => void, string]> = [
      [
        'a message over the size cfws takes',
        (client) => client.send(Buffer.alloc(MAX_MESSAGE_BYTES + 1)),
        'cfws refused a frame: message too big (1009)',
      ],
      // FIN, RSV2 and the binary opcode: no extension was agreed that could use RSV2.
      [
        'a frame with a reserved bit set',
        (client) => tc.sendRaw(client, unanswered([0xa2, 0x00])),
        'cfws refused a frame: protocol error (1002)',
      ],
      [
        'a text frame that is not UTF-8',
        (client) => tc.sendRaw(client, unanswered([0x81, 0x02, 0xc3, 0x28])),
        'cfws refused a frame: invalid UTF-8 (1007)',
      ],
      [
        'a message in more fragments than ws buffers',
        (client) => tc.sendRaw(client, manyFragments(16 * 1024 + 1)),
        'cfws refused a frame: policy violation (1008)',
      ],
      ['a server going away', (client) => client.close(1001), 'closed by the server: going away (1001)'],
      [
        'the keepalive timeout of the Traffic Controller',
        (client) => client.close(1008, 'Client did not respond to ping before keep-alive timeout expired.'),
        'closed by the server: policy violation (1008): Client did not respond to ping before keep-alive timeout expired.',
      ],
      ['a code of the application', (client) => client.close(4000), 'closed by the server: close code 4000'],
    ]
    for (const [name, act, why] of cases) {
      it(`${name}: ${why}`, async () => {
        const done = tail()
        act(await tc.nextClient())
        const second = await tc.nextClient()
        second.send('after')
        await until(() => frames.length === 1)
        controller.abort()
        await done
        assert.deepEqual(notices, [
          `connection lost (${why}); reconnecting in 0.0s (attempt 1)`,
          `reconnected to ${tc.url}`,
        ])
        assert.deepEqual(frames, ['after'])
      })
    }
  })

  describe('ends well within a second of an abort', () => {
    async function abortAndTime(done: Promise<void>): Promise<number> {
      const startedMs = Date.now()
      controller.abort()
      await done
      return Date.now() - startedMs
    }

    it('during a first handshake the server never answers', async () => {
      tc.hangUpgrades = true
      const done = tail({handshakeTimeoutMs: 60_000})
      await tc.waitForUpgrades(1)
      assert.ok((await abortAndTime(done)) < 200)
    })

    it('during a reconnect handshake the server never answers', async () => {
      const done = tail({handshakeTimeoutMs: 60_000})
      const first = await tc.nextClient()
      tc.hangUpgrades = true
      first.terminate()
      await tc.waitForUpgrades(2)
      assert.ok((await abortAndTime(done)) < 200)
    })

    it('during a token fetch that never ends, before a reconnect', async () => {
      let fetches = 0
      const validToken = async (): Promise<string> => {
        const first = ++fetches === 1
        changed()
        return first ? 'bearer t' : new Promise<string>(() => {})
      }

      const done = tail({tokens: {validToken, refresh: async () => new Promise<string>(() => {})}})
      ;(await tc.nextClient()).terminate()
      await until(() => fetches === 2)
      assert.ok((await abortAndTime(done)) < 200)
      assert.equal(tc.upgrades.length, 1)
    })

    it('during the token refresh after a 401', async () => {
      tc.refuseWith('401 Unauthorized')
      let refreshing = false
      const refresh = async (): Promise<string> => {
        refreshing = true
        changed()
        return new Promise<string>(() => {})
      }

      const done = tail({tokens: {validToken: async () => 'bearer t', refresh}})
      await until(() => refreshing)
      assert.ok((await abortAndTime(done)) < 200)
    })

    it('during the backoff before a reconnect', async () => {
      const done = tail({retry: {initialDelayMs: 60_000, maxDelayMs: 60_000, stableAfterMs: 60_000}})
      ;(await tc.nextClient()).terminate()
      await until(() => notices.length === 1)
      assert.ok((await abortAndTime(done)) < 200)
      assert.equal(tc.upgrades.length, 1)
    })

    it('on an open socket whose server never answers the close, cutting it after a grace', async () => {
      const done = tail()
      const client = await openClient()
      // The server reads nothing more, so our close frame goes unanswered.
      client.pause()
      const elapsedMs = await abortAndTime(done)
      assert.ok(elapsedMs >= 400 && elapsedMs < 800, `ended after ${elapsedMs} ms`)
    })
  })

  describe('with an idle timeout longer than a timer can wait', () => {
    let warnings: string[]
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name)
    }

    beforeEach(() => {
      warnings = []
      process.on('warning', onWarning)
    })
    afterEach(() => {
      process.off('warning', onWarning)
    })

    for (const [name, idleTimeoutMs] of [
      ['a week', 7 * 24 * 3600 * 1000],
      ['10000 hours', 10_000 * 3600 * 1000],
    ] as const) {
      it(`of ${name}, keeps the connection and warns of nothing`, async () => {
        const done = tail({idleTimeoutMs})
        const client = await tc.nextClient()
        // A delay past 2^31-1 ms would fire after 1 ms, again and again: give it the time to.
        await new Promise((resolve) => setTimeout(resolve, 30))
        client.send('still here')
        await until(() => frames.length === 1)
        controller.abort()
        await done
        assert.deepEqual([warnings, notices, tc.upgrades.length], [[], [], 1])
      })
    }
  })

  describe('with a read gate', () => {
    it('reads no frame while it is paused and all of them, in order, once it resumes, across a reconnect', async () => {
      const gate = new ManualReadGate(true)
      const done = tail({readGate: gate})
      const first = await tc.nextClient()
      first.send('a')
      first.send('b')
      await sent(first)
      assert.deepEqual(frames, [])
      gate.set(false)
      await until(() => frames.length === 2)
      gate.set(true)
      first.terminate()
      const second = await tc.nextClient()
      second.send('c')
      second.send('d')
      await sent(second)
      assert.deepEqual(frames, ['a', 'b'])
      gate.set(false)
      await until(() => frames.length === 4)
      controller.abort()
      await done
      assert.deepEqual(frames, ['a', 'b', 'c', 'd'])
      assert.equal(gate.listenerCount, 0, 'no socket follows the gate once the stream ended')
    })

    it('does not call a connection idle while it is paused, and counts silence again from the resume', async () => {
      const gate = new ManualReadGate()
      const done = tail({readGate: gate, idleTimeoutMs: 30})
      await tc.nextClient()
      gate.set(true)
      await new Promise((resolve) => setTimeout(resolve, 150))
      assert.deepEqual([notices, tc.upgrades.length], [[], 1])
      gate.set(false)
      await tc.nextClient()
      controller.abort()
      await done
      assert.match(notices[0], /^connection lost \(no data or ping for 0\.03s\); reconnecting/)
    })
  })

  /** Waits until what the server sent has left it, and a little more: no frame may arrive meanwhile. */
  async function sent(client: WebSocket): Promise<void> {
    await new Promise((resolve) => client.ping(undefined, undefined, resolve))
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
})

/** A binary message in `count` unmasked one-byte frames, as a server would send it. */
function manyFragments(count: number): Buffer {
  const frames = [Buffer.from([0x02, 0x01, 0x41])]
  for (let i = 1; i < count - 1; i++) frames.push(Buffer.from([0x00, 0x01, 0x41]))
  frames.push(Buffer.from([0x80, 0x01, 0x41]))
  return Buffer.concat(frames)
}
