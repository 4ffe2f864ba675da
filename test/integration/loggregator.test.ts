import {strict as assert} from 'node:assert'
import {once} from 'node:events'
import {readFileSync} from 'node:fs'
import type {IncomingMessage} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'

import WebSocket, {WebSocketServer} from 'ws'

import {encodeEnvelope} from '../../src/envelope/encode.js'
import type {Envelope} from '../../src/envelope/model.js'
import {ORG, SPACE} from '../helpers/cf-home.js'
import {logEnvelope} from '../helpers/envelopes.js'
import {SAMPLE_ENVELOPES} from '../helpers/firehose-envelopes.js'
import {KIT_PRESENT, LoggregatorKit, sendUntilPrinted} from '../helpers/loggregator-kit.js'
import {CliProcess, runCli} from '../helpers/run-cli.js'

// mocha has no reason for a skip: the title says it.
const TITLE = `the real Loggregator (integration, ../shared/loggregator)${KIT_PRESENT ? '' : ': skipped, ../shared/loggregator is not there (a clone on its own has no kit)'}`

const FULL_SCOPE = ['cloud_controller.read', 'doppler.firehose']
// 2026-01-02T03:04:05.678Z: every line gets its own nanosecond after it.
const T1 = 1_767_323_045_678_000_000n

describe(TITLE, function () {
  // Starting the kit makes certificates with openssl: seconds, not milliseconds.
  this.timeout(30_000)
  let kit: LoggregatorKit
  let env: Record<string, string>

  before(async function () {
    if (!KIT_PRESENT) this.skip()
    kit = await LoggregatorKit.start()
    env = {CF_HOME: kit.cfHome(await kit.token(FULL_SCOPE)).dir}
  })

  after(async () => {
    CliProcess.killAll()
    await kit?.stop()
  })

  const tailing = (): string => `cfws: tailing ${kit.info.appName} in ${ORG.Name}/${SPACE.Name} (Ctrl-C to stop)\n`
  const appLine = (message: string, options: Parameters<typeof logEnvelope>[1] = {}): Uint8Array =>
    logEnvelope(message, {appId: kit.info.appGuid, timestamp: T1, ...options})
  // A line printed once the stream is live: doppler forgets what comes before its subscription.
  const ready = (attempt: number): Uint8Array => appLine(`ready ${attempt}`)
  const afterReady = (stdout: string, endMarker: string): string[] => {
    const lines = stdout.split('\n')
    return lines.slice(
      lastIndexMatching(lines, / OUT ready \d+$/) + 1,
      lines.findIndex((line) => line.endsWith(endMarker)),
    )
  }

  async function tailApp(
    args: string[] = [],
    printed = / OUT ready \d+\n/,
  ): Promise<{cli: CliProcess; sender: ReturnType<LoggregatorKit['sender']>}> {
    const cli = new CliProcess(['logs', kit.info.appName, ...args], env)
    const sender = kit.sender()
    await sendUntilPrinted([cli], sender, ready, printed)
    return {cli, sender}
  }

  // Doppler logs "Dropped 1000 envelopes (v1 buffer)" for a subscriber that fell behind.
  const dopplerDropped = (): number =>
    [...readFileSync(join(kit.info.logs, 'doppler.log'), 'utf8').matchAll(/Dropped (\d+) envelopes/g)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    )

  async function interrupt(cli: CliProcess): Promise<void> {
    cli.child.kill('SIGINT')
    const {code, stderr} = await cli.result()
    assert.equal(code, 130, stderr)
  }

  describe('cfws logs', () => {
    it('prints every line as the app wrote it: types, sources, instances, split lines, a 70,000-byte line', async () => {
      const {cli, sender} = await tailApp()
      const long = 'x'.repeat(70_000)
      sender.send(
        appLine('Listening on port 8080', {timestamp: T1 + 1n}),
        appLine('Error: boom\n    at main (/app/index.js:3:9)', {
          messageType: 2,
          sourceInstance: '1',
          timestamp: T1 + 2n,
        }),
        appLine('GET /health 200', {sourceType: 'RTR', sourceInstance: '3', timestamp: T1 + 3n}),
        appLine('caf\u00e9 \u{1F680} \u001b[31mred', {sourceType: 'STG', timestamp: T1 + 4n}),
        appLine(long, {timestamp: T1 + 5n}),
        appLine('done', {timestamp: T1 + 6n}),
      )
      await sender.end()
      await cli.waitForStdout(/ OUT done\n/)
      assert.deepEqual(afterReady(cli.stdout, ' OUT done'), [
        '2026-01-02T03:04:05.67+0000 [APP/PROC/WEB/0] OUT Listening on port 8080',
        '2026-01-02T03:04:05.67+0000 [APP/PROC/WEB/1] ERR Error: boom',
        '2026-01-02T03:04:05.67+0000 [APP/PROC/WEB/1] ERR     at main (/app/index.js:3:9)',
        '2026-01-02T03:04:05.67+0000 [RTR/3] OUT GET /health 200',
        '2026-01-02T03:04:05.67+0000 [STG/0] OUT caf\u00e9 \u{1F680} \\x1b[31mred',
        `2026-01-02T03:04:05.67+0000 [APP/PROC/WEB/0] OUT ${long}`,
      ])
      await interrupt(cli)
      assert.equal(cli.stderr, tailing())
    })

    it('writes one JSON object per message with --json', async () => {
      const {cli, sender} = await tailApp(['--json'], /"message":"ready \d+"/)
      sender.send(
        appLine('say "hi"\n\tthere', {messageType: 2, timestamp: T1 + 7n}),
        appLine('done', {timestamp: T1 + 8n}),
      )
      await sender.end()
      await cli.waitForStdout(/"message":"done"/)
      const lines = cli.stdout.split('\n').filter((line) => line && !/"message":"ready \d+"/.test(line))
      assert.deepEqual(
        lines.map((line) => JSON.parse(line) as unknown),
        [
          {
            timestamp: '2026-01-02T03:04:05.678000007Z',
            app: kit.info.appName,
            source_type: 'APP/PROC/WEB',
            source_instance: '0',
            message_type: 'ERR',
            message: 'say "hi"\n\tthere',
          },
          {
            timestamp: '2026-01-02T03:04:05.678000008Z',
            app: kit.info.appName,
            source_type: 'APP/PROC/WEB',
            source_instance: '0',
            message_type: 'OUT',
            message: 'done',
          },
        ],
      )
      await interrupt(cli)
    })

    it('prints every one of 40,000 lines sent at 20,000 a second into a pipe, or doppler says it dropped them', async () => {
      // Doppler drops for a subscriber that falls behind (the Traffic Controller, on a busy machine):
      // the relay tells what reached cfws, doppler's log what it dropped.
      const relay = await Relay.start(kit.info.tc, join(kit.info.certs, 'ca.crt'), 'fast line ')
      try {
        const {cli} = await tailApp(['--endpoint', relay.url])
        const droppedBefore = dopplerDropped()
        const fast = kit.sender({rate: 20_000})
        for (let index = 0; index < 40_000; index++)
          fast.send(appLine(`fast line ${index}`, {timestamp: T1 + BigInt(index)}))
        await sendUntilPrinted([cli], fast, (attempt) => appLine(`done ${attempt}`), / OUT done \d+\n/)
        await fast.end()
        const printed = cli.stdout.split('\n').filter((line) => / OUT fast line \d+$/.test(line))
        assert.equal(printed.length, relay.relayed, 'cfws printed every line it received')
        const dropped = dopplerDropped() - droppedBefore
        assert.ok(relay.relayed + dropped >= 40_000, `${relay.relayed} lines received, ${dropped} dropped by doppler`)
        if (relay.relayed === 40_000)
          assert.equal(printed.at(-1), '2026-01-02T03:04:05.67+0000 [APP/PROC/WEB/0] OUT fast line 39999')
        await interrupt(cli)
        assert.equal(cli.stderr, tailing())
      } finally {
        await relay.close()
      }
    })

    it('keeps a quiet stream with an --idle-timeout under the server’s 15 s pings, by pinging itself', async () => {
      const {cli, sender} = await tailApp(['--idle-timeout', '2s'])
      // The point is silence: longer than two idle timeouts, with nothing sent.
      await new Promise((resolve) => setTimeout(resolve, 5000))
      sender.send(appLine('still here'))
      await cli.waitForStdout(/ OUT still here\n/)
      await interrupt(cli)
      assert.equal(cli.stderr, tailing())
    })

    it('on SIGINT, closes with 1000 and the real Traffic Controller answers the close', async () => {
      const relay = await Relay.start(kit.info.tc, join(kit.info.certs, 'ca.crt'))
      try {
        const {cli} = await tailApp(['--endpoint', relay.url])
        await interrupt(cli)
        assert.deepEqual(await relay.closes, {fromCfws: 1000, fromServer: 1000})
      } finally {
        await relay.close()
      }
    })

    it('says the recent logs need Log Cache, the Traffic Controller no longer serving them (exit 6)', async () => {
      const {code, stdout, stderr} = await runCli(['logs', kit.info.appName, '--recent'], env)
      assert.equal(stdout, '')
      assert.equal(
        stderr,
        'cfws: This Traffic Controller stopped serving recent logs in 2022, and the foundation advertises no Log Cache\n' +
          'hint: Recent logs now come from Log Cache: ask your platform team to deploy it. Streaming (cfws logs APP without --recent) still works.\n',
      )
      assert.equal(code, 6)
    })

    it('tells a plain ws:// request to the TLS port to use wss:// (exit 6)', async () => {
      const plain = kit.info.tc.replace('wss:', 'ws:')
      const {code, stderr} = await runCli(['logs', kit.info.appName, '--endpoint', plain], env)
      // Go answers 400 and closes with the rest of the request unread: a reset that may come first.
      const [, how] =
        /^cfws: \S+ is a TLS port: it (answered 400 to|reset) a plain ws:\/\/ request\n/.exec(stderr) ?? []
      assert.equal(
        stderr,
        `cfws: ${plain} is a TLS port: it ${how} a plain ws:// request\nhint: Use ${kit.info.tc} instead.\n`,
      )
      assert.equal(code, 6)
    })

    it('tells a path the Traffic Controller does not serve from an access refusal (exit 6)', async () => {
      const {code, stderr} = await runCli(['logs', kit.info.appName, '--endpoint', `${kit.info.tc}/doppler`], env)
      assert.match(
        stderr,
        /^cfws: \S+ answered 404 page not found: it serves no log stream at that path\nhint: Point --endpoint at the Traffic Controller itself/,
      )
      assert.equal(code, 6)
    })

    it('says an app the user may not read is not visible (exit 4)', async () => {
      const {code, stderr} = await runCli(['logs', 'ghostapp'], env)
      assert.match(stderr, /^cfws: .*404.*no access/i)
      assert.equal(code, 4)
    })

    it('says an unknown app is not found (exit 5)', async () => {
      const {code, stderr} = await runCli(['logs', 'nosuchapp'], env)
      assert.match(stderr, /^cfws: .*nosuchapp/)
      assert.equal(code, 5)
    })

    it('says the login is refused when the token stays invalid after a refresh (exit 3)', async () => {
      const home = kit.cfHome(await kit.token([...FULL_SCOPE, '+invalid']), {RefreshToken: 'stillbad'})
      const {code, stderr} = await runCli(['logs', kit.info.appName], {CF_HOME: home.dir})
      assert.equal(
        stderr,
        "cfws: The Cloud Controller rejected the token even after a refresh\nhint: Log in again with 'cf login'.\n",
      )
      assert.equal(code, 3)
    })
  })

  describe('cfws firehose', () => {
    const withOrigin = (envelope: Envelope, origin: string): Uint8Array => encodeEnvelope({...envelope, origin})

    it('with each --filter, prints exactly what was sent of those types, as cf nozzle prints it', async () => {
      const types = Object.keys(SAMPLE_ENVELOPES)
      const clis = new Map(types.map((type) => [type, new CliProcess(['firehose', '--filter', type], env)]))
      const everything = new CliProcess(['firehose'], env)
      const all = [...clis.values(), everything]
      const markerSender = kit.sender()
      // One marker of every type, so that each filtered process has one to print.
      const markers = (attempt: number, origin: string): Uint8Array[] =>
        types.map((type) => withOrigin(SAMPLE_ENVELOPES[type], `${origin}-${attempt}`))
      const isMarker = (line: string): boolean => /^origin:"(marker|end)-\d+"/.test(line)
      await sendUntilPrinted(all, markerSender, (attempt) => markers(attempt, 'marker'), /origin:"marker-\d+"/)
      // The kit's own set, written down by the sender in Go's compact text: v1 envelopes, then v2
      // ones that doppler converts, each v1 one an oracle for cfws's text that is not cfws's code.
      const {v1} = await kit.sendStandardScenario()
      await sendUntilPrinted(all, markerSender, (attempt) => markers(attempt, 'end'), /origin:"end-\d+"/)
      await markerSender.end()
      for (const [type, cli] of [...clis, ['', everything] as const]) {
        await cli.waitForStdout(new RegExp(`origin:"end-\\d+" eventType:${type || 'Error'} `))
        const printed = cli.stdout.split('\n').filter((line) => line && !isMarker(line))
        const expected = v1.filter((line) => !type || line.includes(` eventType:${type} `))
        assert.deepEqual(printed.slice(0, expected.length), expected, `--filter ${type}`)
        // What follows came from doppler's v2 conversion: of the filtered type, if one was asked for.
        for (const line of printed.slice(expected.length))
          assert.ok(!type || line.includes(` eventType:${type} `), `--filter ${type}: ${line}`)
      }

      await Promise.all(all.map(async (cli) => interrupt(cli)))
    })

    it('splits one subscription id between two processes: every envelope once', async () => {
      const id = `cfws-integration-${process.pid}`
      const pair = [
        new CliProcess(['firehose', '--filter', 'ValueMetric', '--subscription-id', id], env),
        new CliProcess(['firehose', '--filter', 'ValueMetric', '--subscription-id', id], env),
      ]
      const sender = kit.sender()
      const metric = (name: string): Uint8Array =>
        encodeEnvelope({...SAMPLE_ENVELOPES.ValueMetric, valueMetric: {name, value: 1, unit: 'x'}})
      await sendUntilPrinted(pair, sender, (attempt) => metric(`ready-${attempt}`), /name:"ready-\d+"/)
      const names = Array.from({length: 200}, (_, index) => `metric-${index}`)
      sender.send(...names.map((name) => metric(name)))
      await sender.end()
      const shares = (): string[][] =>
        pair.map((cli) => [...cli.stdout.matchAll(/name:"(metric-\d+)"/g)].map((match) => match[1]))
      // Each process wakes on its own output: whichever prints the last share sees the whole.
      await Promise.race(pair.map(async (cli) => cli.waitFor(() => shares().flat().length >= names.length)))
      const [first, second] = shares()
      assert.ok(first.length > 0 && second.length > 0, `split ${first.length} / ${second.length}`)
      assert.deepEqual([...first, ...second].sort(), [...names].sort())
      await Promise.all(pair.map(async (cli) => interrupt(cli)))
    })

    it('refuses a token without doppler.firehose before connecting (exit 4)', async () => {
      const home = kit.cfHome(await kit.token(['cloud_controller.read']))
      const {code, stderr} = await runCli(['firehose'], {CF_HOME: home.dir})
      assert.match(stderr, /^cfws: .*doppler\.firehose/)
      assert.equal(code, 4)
    })

    it('says the firehose is not allowed when the server refuses it even with a fresh token (exit 4)', async () => {
      // UAA's check_token drops the scope the token claims; the refreshed token is the same kind.
      const flags = '+uaa-drop-firehose'
      const home = kit.cfHome(await kit.token([...FULL_SCOPE, flags]), {RefreshToken: `flags:${flags}`})
      const {code, stderr} = await runCli(['firehose'], {CF_HOME: home.dir})
      assert.equal(
        stderr.replace(/cfws-[0-9a-f]{10}/g, 'ID'),
        'cfws: subscription id ID: add processes with --subscription-id ID to share this stream\n' +
          'cfws: The Traffic Controller refused the firehose: You are not authorized. Error: Invalid authorization\n' +
          'hint: The firehose needs a token with the doppler.firehose scope.\n',
      )
      assert.equal(code, 4)
    })
  })

  // Last: the kit's doppler is then one the test started.
  describe('doppler restarted', () => {
    it('prints every line sent after doppler restarted, on the same connection', async () => {
      const {cli, sender} = await tailApp()
      await sender.end()
      await kit.restartDoppler()
      const afterRestart = kit.sender()
      // The Traffic Controller reconnects to doppler itself; what comes before that is lost for everyone.
      await sendUntilPrinted([cli], afterRestart, (attempt) => appLine(`back ${attempt}`), / OUT back \d+\n/)
      for (let index = 0; index < 100; index++) afterRestart.send(appLine(`after ${index}`))
      afterRestart.send(appLine('done'))
      await afterRestart.end()
      await cli.waitForStdout(/ OUT done\n/)
      const lines = cli.stdout.split('\n')
      const printed = lines.slice(lastIndexMatching(lines, / OUT back \d+$/) + 1, -2)
      assert.deepEqual(
        printed,
        Array.from({length: 100}, (_, index) => `2026-01-02T03:04:05.67+0000 [APP/PROC/WEB/0] OUT after ${index}`),
      )
      await interrupt(cli)
      assert.equal(cli.stderr, tailing(), 'the Traffic Controller keeps the WebSocket open while doppler is away')
    })
  })
})

describe(`${TITLE}, with an app id that is not a GUID`, function () {
  this.timeout(30_000)
  let kit: LoggregatorKit

  before(async function () {
    if (!KIT_PRESENT) this.skip()
    kit = await LoggregatorKit.start({appGuid: 'not-a-guid'})
  })

  after(async () => kit?.stop())

  it('says the Cloud Controller gave a non-GUID id, where the Traffic Controller would answer 401 (exit 6)', async () => {
    const home = kit.cfHome(await kit.token(FULL_SCOPE))
    const {code, stdout, stderr} = await runCli(['logs', kit.info.appName], {CF_HOME: home.dir})
    assert.equal(stdout, '')
    assert.equal(
      stderr,
      `cfws: The Cloud Controller gave app '${kit.info.appName}' the id 'not-a-guid', which is not a GUID\n` +
        `hint: The Traffic Controller streams logs by app GUID only. Compare with 'cf app ${kit.info.appName} --guid': something between cfws and the Cloud Controller may rewrite its answers.\n`,
    )
    assert.equal(code, 6)
  })
})

/** Where the last line matching `pattern` is (-1 if none): the lib target predates findLastIndex. */
function lastIndexMatching(lines: string[], pattern: RegExp): number {
  for (let index = lines.length - 1; index >= 0; index--) if (pattern.test(lines[index])) return index
  return -1
}

/**
 * A WebSocket relay between cfws and the Traffic Controller: it records the close codes (the one
 * cfws sends, the one the server answers with, which the real server logs neither of) and counts
 * the frames it passed on that contain `counted`, without ever holding them back. On loopback, so
 * cfws may send its token over plain ws://.
 */
class Relay {
  readonly closes: Promise<{fromCfws: number; fromServer: number}>
  relayed = 0

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
    target: string,
    ca: Buffer,
    counted: string,
  ) {
    this.closes = once(server, 'connection').then(async (event) => {
      const [client, request] = event as [WebSocket, IncomingMessage]
      client.pause()
      const upstream = new WebSocket(new URL(request.url ?? '/', target).href, {
        headers: {authorization: request.headers.authorization},
        ca,
        maxPayload: 0,
      })
      await once(upstream, 'open')
      upstream.on('message', (data: Buffer, isBinary) => {
        if (data.includes(counted)) this.relayed++
        client.send(data, {binary: isBinary})
      })
      client.resume()
      const [fromCfws] = (await once(client, 'close')) as [number]
      upstream.close(fromCfws)
      const [fromServer] = (await once(upstream, 'close')) as [number]
      return {fromCfws, fromServer}
    })
    this.closes.catch(() => {})
  }

  static async start(target: string, caFile: string, counted = '\0'): Promise<Relay> {
    const server = new WebSocketServer({host: '127.0.0.1', port: 0})
    await once(server, 'listening')
    return new Relay(
      server,
      `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
      target,
      readFileSync(caFile),
      counted,
    )
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate()
    await new Promise((resolve) => this.server.close(resolve))
  }
}
