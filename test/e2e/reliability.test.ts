import {strict as assert} from 'node:assert'
import {once} from 'node:events'
import {readFileSync} from 'node:fs'
import type {WebSocket} from 'ws'

import {logEnvelope, T0} from '../helpers/envelopes.js'
import {FakeLogCache, v2Log} from '../helpers/fake-cloud-controller.js'
import {TAILING_MYAPP, useFakeFoundation} from '../helpers/fake-foundation.js'
import {makeJwt} from '../helpers/jwt.js'
import {CliProcess} from '../helpers/run-cli.js'
import {at, line, S} from '../helpers/timeline.js'

const MiB = 1024 * 1024
const message = (i: number): string => `message ${String(i).padStart(7, '0')}`

/** Sends every frame, waiting for the kernel to take each thousandth: TCP's own backpressure. */
async function sendAll(client: WebSocket, count: number, frameOf: (i: number) => Uint8Array): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (i % 1000 === 999) await new Promise((resolve) => client.send(frameOf(i), resolve))
    else client.send(frameOf(i))
  }
}

function peakRssBytes(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024
}

const printedMessages = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((text) => text.slice(text.indexOf(' OUT ') + 5))

describe('nothing lost, nothing hangs (end to end)', function () {
  this.timeout(30_000)
  const f = useFakeFoundation()
  const start = (args: string[], env: Record<string, string> = {}): CliProcess =>
    new CliProcess(args, {CF_HOME: f.home.dir, ...env})

  it('gives a reader that keeps up every line of a fast stream, in order, and drops nothing', async () => {
    const total = 200_000
    // --quiet leaves out the start notice, not a count of dropped lines: none is expected here.
    const cli = start(['logs', 'myapp', '--buffer-size', '1MiB', '--quiet'])
    const client = await f.tc.nextClient()
    await sendAll(client, total, (i) => logEnvelope(message(i)))
    await cli.waitForStdoutLines(total)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.deepEqual(
      printedMessages(result.stdout),
      Array.from({length: total}, (_, i) => message(i)),
    )
    assert.equal(result.stderr, '')
    assert.equal(result.code, 130)
  })

  it('behind a reader that stopped, keeps the connection, stays within its memory bound and counts what it dropped', async () => {
    const total = 300_000
    // --quiet silences the start notice; the count of dropped lines still shows.
    const cli = start(['logs', 'myapp', '--buffer-size', '1MiB', '--quiet'])
    const client = await f.tc.nextClient()
    cli.child.stdout!.pause()
    await sendAll(client, total, (i) => logEnvelope(message(i)))
    const peak = peakRssBytes(cli.child.pid!)
    cli.child.stdout!.resume()
    await cli.waitForStderr(/dropped \d+ lines/)
    client.send(logEnvelope('the end'))
    await cli.waitForStderr(/./)
    while (!cli.stdout.endsWith('OUT the end\n')) await cli.waitForStdoutLines(cli.stdout.split('\n').length)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    const dropped = Number(
      /^cfws: dropped (\d+) lines: stdout was slower than the stream \(--buffer-size\)\n$/.exec(result.stderr)?.[1],
    )
    const printed = printedMessages(result.stdout)
    assert.ok(dropped > 0, result.stderr)
    assert.equal(printed.length + dropped, total + 1)
    assert.equal(printed.at(-1), 'the end')
    // What was kept is in order: the oldest lines, then the newest, never a line twice.
    const numbers = printed.slice(0, -1).map((text) => Number(text.slice(8)))
    for (let i = 1; i < numbers.length; i++) assert.ok(numbers[i] > numbers[i - 1], `line ${i} out of order`)
    assert.ok(peak < 100 * MiB + MiB, `peak RSS ${(peak / MiB).toFixed(0)} MiB`)
    assert.equal(f.tc.upgrades.length, 1, 'the connection was cut')
  })

  it('prints every line once and in order when a connection ends while the last backfill still runs', async () => {
    f.cc.logCache = new FakeLogCache([v2Log(T0, 'a'), v2Log(T0 + S, 'b'), v2Log(T0 + 2n * S, 'c')])
    let answerLogCache!: () => void
    f.cc.logCache.answering = new Promise((resolve) => (answerLogCache = resolve))
    const cli = start(['logs', 'myapp'])
    const first = await f.tc.nextClient()
    first.send(at(0, 'a'))
    first.send(at(1, 'b'))
    await cli.waitForStdoutLines(2)
    first.terminate()
    // The second connection's backfill hangs in Log Cache; that connection sends five lines and ends.
    const second = await f.tc.nextClient()
    for (const [seconds, text] of [
      [3, 'd'],
      [4, 'e'],
      [5, 'f'],
      [6, 'g'],
      [7, 'h'],
    ] as const)
      second.send(at(seconds, text))
    second.close(1000)
    const third = await f.tc.nextClient()
    third.send(at(9, 'j'))
    // Log Cache answers now, with what it has by then: c (missed), the second connection's lines, and i.
    f.cc.logCache.envelopes.push(
      ...[
        [3, 'd'],
        [4, 'e'],
        [5, 'f'],
        [6, 'g'],
        [7, 'h'],
        [8, 'i'],
      ].map(([seconds, text]) => v2Log(T0 + BigInt(seconds) * S, text as string)),
    )
    answerLogCache()
    const lines = await cli.waitForStdoutLines(10)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.deepEqual(
      lines,
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((text, seconds) => line(seconds, text)),
    )
    assert.equal(result.stdout.split('\n').length - 1, 10)
    // The first fill brings c and the second connection's lines, which its held frames then skip.
    assert.match(
      result.stderr,
      /cfws: backfilled 7 lines from Log Cache\n[^]*cfws: backfilled 0 lines from Log Cache\n/,
    )
  })

  describe('exits promptly on a signal in every phase', () => {
    const exitsOn = async (cli: CliProcess, signal: NodeJS.Signals, code: number): Promise<void> => {
      const sentAt = performance.now()
      cli.child.kill(signal)
      const result = await cli.result()
      // Each stuck phase would take its own timeout (10 s handshake, 30 s HTTP) without the abort.
      assert.ok(performance.now() - sentAt < 5000, 'waited for the stuck phase')
      assert.equal(result.code, code, result.stderr)
    }

    it('a reconnect handshake that never answers', async () => {
      const cli = start(['logs', 'myapp'])
      const first = await f.tc.nextClient()
      f.tc.answer = () => 'hang'
      first.terminate()
      await cli.waitForStderr(/reconnecting/)
      await f.tc.waitForUpgrades(2)
      await exitsOn(cli, 'SIGINT', 130)
    })

    it('a backfill read that never answers', async () => {
      f.cc.logCache = new FakeLogCache([])
      f.cc.logCache.answering = new Promise(() => {})
      const cli = start(['logs', 'myapp'])
      const first = await f.tc.nextClient()
      first.send(at(0, 'a'))
      await cli.waitForStdoutLines(1)
      first.terminate()
      const second = await f.tc.nextClient()
      second.send(at(1, 'b'))
      await f.cc.waitForRequest((request) => request.path.startsWith('/api/v1/read/'))
      await exitsOn(cli, 'SIGTERM', 143)
      assert.equal(cli.stdout, `${line(0, 'a')}\n${line(1, 'b')}\n`)
    })

    it('a token refresh that never answers', async () => {
      // Due a second after start: cfws refreshes it while streaming, or before connecting when it
      // starts slowly (a loaded machine). Either refresh hangs, and either must give way to the signal.
      f.login({AccessToken: `bearer ${makeJwt({exp: Math.floor(Date.now() / 1000) + 61})}`})
      f.cc.hangPaths = /^\/oauth\/token$/
      const cli = start(['logs', 'myapp'])
      await f.cc.waitForRequest((request) => request.path === '/oauth/token')
      await exitsOn(cli, 'SIGTERM', 143)
    })

    it('a stdout nobody reads, on a single SIGTERM', async () => {
      const cli = start(['logs', 'myapp'])
      const client = await f.tc.nextClient()
      cli.child.stdout!.pause()
      await sendAll(client, 20_000, (i) => logEnvelope(message(i)))
      await exitsOn(cli, 'SIGTERM', 143)
    })

    it('a stdout nobody reads after the stream ended for good, on a single SIGTERM, saying why it ended', async () => {
      const cli = start(['logs', 'myapp', '--max-retries', '0'])
      const client = await f.tc.nextClient()
      cli.child.stdout!.pause()
      await sendAll(client, 20_000, (i) => logEnvelope(message(i)))
      client.close(1000)
      await once(client, 'close')
      await exitsOn(cli, 'SIGTERM', 143)
      // On a busy machine the signal can still beat cfws to the end of the stream: then there is nothing to say.
      if (cli.stderr !== TAILING_MYAPP)
        assert.match(
          cli.stderr,
          /\ncfws: Gave up after 0 failed reconnects: connection lost \(the server ended the stream \(1000\)\)\nhint: /,
        )
    })
  })

  it('makes no token request for a token valid for ten years', async () => {
    f.login({AccessToken: `bearer ${makeJwt({exp: Math.floor(Date.now() / 1000) + 10 * 365 * 86_400})}`})
    const cli = start(['logs', 'myapp', '--idle-timeout', '168h'])
    const client = await f.tc.nextClient()
    client.send(at(0, 'a'))
    await cli.waitForStdoutLines(1)
    // A timer past 2^31-1 ms fires after 1 ms: hundreds of grants would be made in this time.
    await new Promise((resolve) => setTimeout(resolve, 300))
    client.send(at(1, 'b'))
    await cli.waitForStdoutLines(2)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.stderr, TAILING_MYAPP)
    assert.deepEqual(
      f.cc.requests.filter((request) => request.path === '/oauth/token'),
      [],
    )
  })

  it('says a full disk in one line and exits 1', async () => {
    const cli = new CliProcess(['logs', 'myapp'], {CF_HOME: f.home.dir}, {stdoutTo: '/dev/full'})
    const client = await f.tc.nextClient()
    client.send(at(0, 'a'))
    const {code, stderr} = await cli.result()
    assert.equal(
      stderr,
      TAILING_MYAPP +
        'cfws: Cannot write to stdout (ENOSPC): stopped\nhint: The device stdout goes to is full: free some space, or send the output elsewhere.\n',
    )
    assert.equal(code, 1)
    assert.equal(f.tc.clients.size, 0)
  })
})
