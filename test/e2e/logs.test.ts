import {strict as assert} from 'node:assert'
import {spawn} from 'node:child_process'
import {once} from 'node:events'

import {APP_GUID, logEnvelope, T0} from '../helpers/envelopes.js'
import {FakeTrafficController} from '../helpers/fake-traffic-controller.js'
import {expiredJwt, freshJwt} from '../helpers/jwt.js'
import {TAILING_MYAPP, useFakeFoundation} from '../helpers/fake-foundation.js'
import {CliProcess, RUN_JS, runCli, USER_AGENT} from '../helpers/run-cli.js'

describe('cfws logs (end to end)', () => {
  const f = useFakeFoundation()

  function start(args: string[], env: Record<string, string> = {}): CliProcess {
    return new CliProcess(['logs', ...args], {CF_HOME: f.home.dir, ...env})
  }

  it('streams an app’s log lines in the cf format, discovered through /v2/info, and exits 130 on SIGINT', async () => {
    const cli = start(['myapp'])
    const client = await f.tc.nextClient()
    client.send(logEnvelope('Listening on port 8080'))
    client.send(
      logEnvelope('Error: boom\n    at main (/app/index.js:3:9)\n', {messageType: 2, timestamp: T0 + 890_000_000n}),
    )
    client.send(logEnvelope('GET / 200', {sourceType: 'RTR', sourceInstance: '1'}))
    assert.deepEqual(await cli.waitForStdoutLines(4), [
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT Listening on port 8080',
      '2025-11-24T09:46:48.01+0000 [APP/PROC/WEB/0] ERR Error: boom',
      '2025-11-24T09:46:48.01+0000 [APP/PROC/WEB/0] ERR     at main (/app/index.js:3:9)',
      '2025-11-24T09:46:47.12+0000 [RTR/1] OUT GET / 200',
    ])
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    assert.equal(result.signal, 'SIGINT')
    assert.equal(result.stderr, TAILING_MYAPP)
    assert.equal(f.tc.upgrades[0].path, `/apps/${APP_GUID}/stream`)
    assert.match(f.tc.upgrades[0].authorization ?? '', /^bearer eyJ/)
    // Every request and the upgrade say which client called, for the platform's access logs.
    assert.deepEqual(
      f.cc.requests.map((request) => `${request.path.split('?')[0]} ${request.userAgent}`),
      [`/v2/info ${USER_AGENT}`, `/v3/apps ${USER_AGENT}`],
    )
    assert.equal(f.tc.upgrades[0].userAgent, USER_AGENT)
  })

  it('ends a shell loop around it on Ctrl-C, as cf logs does: it dies by SIGINT once it has flushed', async () => {
    // bash goes on to the next command after a child's plain exit 130, and stops only when the
    // child was killed by SIGINT. Ctrl-C signals the terminal's whole process group.
    const loop = spawn(
      'bash',
      ['-c', `for app in myapp myapp; do "${process.execPath}" "${RUN_JS}" logs $app; echo "next after $?"; done`],
      {env: {PATH: process.env.PATH, HOME: '/nonexistent', TZ: 'UTC', CF_HOME: f.home.dir}, detached: true},
    )
    let stdout = ''
    loop.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
    const ended = once(loop, 'close')
    const client = await f.tc.nextClient()
    client.send(logEnvelope('before Ctrl-C'))
    while (!stdout.includes('\n')) await once(loop.stdout, 'data')
    process.kill(-loop.pid!, 'SIGINT')
    const outcome = await Promise.race([ended.then(() => 'ended'), f.tc.waitForUpgrades(2).then(() => 'looped')])
    if (outcome === 'looped') process.kill(-loop.pid!, 'SIGKILL')
    const [code, signal] = (await ended) as [number | null, NodeJS.Signals | null]
    assert.equal(stdout, '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT before Ctrl-C\n')
    assert.equal(outcome, 'ended')
    assert.deepEqual({code, signal}, {code: null, signal: 'SIGINT'})
  })

  it('writes one JSON object per message with --json and exits 143 on SIGTERM', async () => {
    const cli = start(['myapp', '--json'])
    const client = await f.tc.nextClient()
    client.send(logEnvelope('line one\r\nline two\n'))
    const [line] = await cli.waitForStdoutLines(1)
    assert.equal(
      line,
      '{"timestamp":"2025-11-24T09:46:47.123456789Z","app":"myapp","source_type":"APP/PROC/WEB","source_instance":"0","message_type":"OUT","message":"line one\\r\\nline two"}',
    )
    cli.child.kill('SIGTERM')
    const result = await cli.result()
    assert.deepEqual({code: result.code, signal: result.signal}, {code: 143, signal: 'SIGTERM'})
  })

  it('says nothing but warnings of lost lines with --quiet, even across a reconnect', async () => {
    const cli = start(['myapp', '--quiet'])
    const first = await f.tc.nextClient()
    first.send(logEnvelope('before'))
    await cli.waitForStdoutLines(1)
    first.terminate()
    ;(await f.tc.nextClient()).send(logEnvelope('after'))
    await cli.waitForStdoutLines(2)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    // No start notice, no "connection lost" or "reconnected": only that a gap may have lost lines.
    assert.equal(
      result.stderr,
      'cfws: this foundation has no Log Cache: lines logged while disconnected may be missing\n',
    )
  })

  it('shows the time in the zone of TZ', async () => {
    const cli = start(['myapp'], {TZ: 'Asia/Kolkata'})
    ;(await f.tc.nextClient()).send(logEnvelope('hello'))
    assert.deepEqual(await cli.waitForStdoutLines(1), ['2025-11-24T15:16:47.12+0530 [APP/PROC/WEB/0] OUT hello'])
    cli.child.kill('SIGINT')
    await cli.result()
  })

  it('writes the time as --timestamps says, TZ ruling short, and refuses it with --json', async () => {
    const cli = start(['myapp', '--timestamps', 'short'], {TZ: 'Asia/Kolkata'})
    const client = await f.tc.nextClient()
    client.send(logEnvelope('hello'))
    assert.deepEqual(await cli.waitForStdoutLines(1), ['15:16:47.12 [APP/PROC/WEB/0] OUT hello'])
    cli.child.kill('SIGINT')
    await cli.result()
    const none = start(['myapp', '--timestamps', 'none'])
    ;(await f.tc.nextClient()).send(logEnvelope('bare'))
    assert.deepEqual(await none.waitForStdoutLines(1), ['[APP/PROC/WEB/0] OUT bare'])
    none.child.kill('SIGINT')
    await none.result()
    // UTC as it is written, in capitals: the style is taken in any case.
    const utc = start(['myapp', '--timestamps=UTC'], {TZ: 'Asia/Kolkata'})
    ;(await f.tc.nextClient()).send(logEnvelope('in utc'))
    assert.deepEqual(await utc.waitForStdoutLines(1), ['2025-11-24T09:46:47.12Z [APP/PROC/WEB/0] OUT in utc'])
    utc.child.kill('SIGINT')
    await utc.result()
    const json = await runCli(['logs', 'myapp', '--timestamps', 'utc', '--json'], {CF_HOME: f.home.dir})
    assert.equal(json.code, 2)
    assert.equal(json.stderr, "cfws: --json and --timestamps cannot be used together\nhint: See 'cfws logs --help'.\n")
    // A value with a line break in it: still one line, the break shown as \n.
    const broken = await runCli(['logs', 'myapp', '--tail', 'a\nb'], {CF_HOME: f.home.dir})
    assert.deepEqual(
      [broken.code, broken.stderr],
      [2, "cfws: --tail takes a whole number, not 'a\\nb'\nhint: See 'cfws logs --help'.\n"],
    )
  })

  it('ends quietly with exit 0 when the reader closes the pipe', async () => {
    const cli = start(['myapp'])
    const client = await f.tc.nextClient()
    client.send(logEnvelope('first'))
    await cli.waitForStdoutLines(1)
    cli.child.stdout!.destroy()
    const stream = setInterval(() => client.send(logEnvelope('more')), 5)
    try {
      const result = await cli.result()
      assert.equal(result.code, 0)
      assert.equal(result.stderr, TAILING_MYAPP)
    } finally {
      clearInterval(stream)
    }
  })

  it('skips a frame that is not an envelope, says so once, and keeps the lines around it', async () => {
    const cli = start(['myapp'])
    const client = await f.tc.nextClient()
    client.send(logEnvelope('before'))
    client.send(Buffer.from([0x0a, 0xff, 0x01]))
    client.send(logEnvelope('after'))
    assert.deepEqual(await cli.waitForStdoutLines(2), [
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT before',
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT after',
    ])
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.match(
      result.stderr,
      /^cfws: tailing myapp in acme\/dev \(Ctrl-C to stop\)\ncfws: skipped a frame that is not a dropsonde envelope \(.+\); further ones are counted\n$/,
    )
  })

  it('finds the endpoint through the root document when /v2/info answers 404', async () => {
    f.cc.v2Info = 'missing'
    const cli = start(['myapp'])
    ;(await f.tc.nextClient()).send(logEnvelope('via root'))
    assert.deepEqual(await cli.waitForStdoutLines(1), ['2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT via root'])
    cli.child.kill('SIGINT')
    await cli.result()
    assert.deepEqual(
      f.cc.requests.slice(0, 2).map((r) => r.path),
      ['/v2/info', '/'],
    )
  })

  it('refreshes an expired token through UAA before connecting and writes it back to the cf config', async () => {
    f.login({AccessToken: `bearer ${expiredJwt()}`})
    const cli = start(['myapp'])
    await f.tc.nextClient()
    cli.child.kill('SIGINT')
    await cli.result()
    const refresh = f.cc.requests.find((r) => r.path === '/oauth/token')
    assert.equal(refresh?.authorization, 'Basic Y2Y6')
    assert.equal(refresh?.body, 'grant_type=refresh_token&refresh_token=refresh-token-1')
    assert.equal(f.home.read().RefreshToken, 'refresh-token-2')
    assert.equal(
      f.tc.upgrades[0].authorization,
      `bearer ${(f.home.read().AccessToken as string).slice('bearer '.length)}`,
    )
  })

  it('takes CFWS_LOGGER_ENDPOINT over discovery', async () => {
    f.cc.loggingEndpoint = 'wss://doppler.invalid:4443'
    const cli = start(['myapp'], {CFWS_LOGGER_ENDPOINT: f.tc.url})
    ;(await f.tc.nextClient()).send(logEnvelope('from the variable'))
    assert.deepEqual(await cli.waitForStdoutLines(1), [
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT from the variable',
    ])
    cli.child.kill('SIGINT')
    await cli.result()
    assert.ok(!f.cc.requests.some((r) => r.path === '/v2/info'), 'no discovery')
  })

  it('turns TLS verification off when the cf config says SSLDisabled', async () => {
    const tls = await FakeTrafficController.start({tls: true})
    try {
      f.cc.loggingEndpoint = tls.url
      f.login({SSLDisabled: true})
      const cli = start(['myapp'])
      ;(await tls.nextClient()).send(logEnvelope('self-signed is fine here'))
      assert.deepEqual(await cli.waitForStdoutLines(1), [
        '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT self-signed is fine here',
      ])
      cli.child.kill('SIGINT')
      await cli.result()
    } finally {
      await tls.close()
    }
  })

  it('colours a pipe only when --color forces it, and never with --no-color', async () => {
    const coloured = start(['myapp', '--color'])
    ;(await f.tc.nextClient()).send(logEnvelope('boom', {messageType: 2}))
    const [line] = await coloured.waitForStdoutLines(1)
    coloured.child.kill('SIGINT')
    await coloured.result()
    assert.ok(line.startsWith('\u001B[31m'), JSON.stringify(line))
    const plain = start(['myapp', '--no-color'], {FORCE_COLOR: '3'})
    ;(await f.tc.nextClient()).send(logEnvelope('boom', {messageType: 2}))
    assert.deepEqual(await plain.waitForStdoutLines(1), ['2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] ERR boom'])
    plain.child.kill('SIGINT')
    await plain.result()
  })

  describe('exit codes', () => {
    it('2 when APP is missing', async () => {
      const result = await runCli(['logs'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 2)
      assert.equal(
        result.stderr,
        "cfws: Missing required argument APP\nhint: Give one or more app names, or --all, or --app-regex RE; see 'cfws logs --help'.\n",
      )
    })

    it('2 for an unknown flag', async () => {
      const result = await runCli(['logs', 'myapp', '--bogus'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 2)
      assert.match(result.stderr, /^cfws: Nonexistent flag: --bogus\n/)
      // kubectl's and stern's -f, typed by habit: cfws follows without it, and says so.
      const follow = await runCli(['logs', 'myapp', '-f'], {CF_HOME: f.home.dir})
      assert.deepEqual(
        [follow.code, follow.stderr],
        [
          2,
          "cfws: Nonexistent flag: -f\nhint: cfws logs follows by default, as 'kubectl logs -f' does: leave out -f. See 'cfws logs --help'.\n",
        ],
      )
    })

    it('3 with the cf CLI’s words when there is no cf config', async () => {
      const result = await runCli(['logs', 'myapp'], {CF_HOME: '/nonexistent'})
      assert.equal(result.code, 3)
      assert.equal(result.stdout, '')
      assert.match(result.stderr, /^cfws: Not logged in\. Use 'cf login' to log in\.\nhint: .+\n$/)
    })

    it('3 when the refresh token is rejected, without retrying', async () => {
      f.login({AccessToken: `bearer ${expiredJwt()}`})
      f.cc.tokenAnswers = [{status: 401, body: {error: 'invalid_token'}}]
      const result = await runCli(['logs', 'myapp'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 3)
      assert.equal(
        result.stderr,
        "cfws: The login has expired or was revoked, and the token could not be refreshed\nhint: Log in again with 'cf login'.\n",
      )
      assert.equal(f.cc.requests.filter((r) => r.path === '/oauth/token').length, 1)
    })

    it('3 when the Traffic Controller still answers 401 after a refresh', async () => {
      f.tc.refuseWith('401 Unauthorized', {'WWW-Authenticate': 'Basic'})
      const result = await runCli(['logs', 'myapp'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 3)
      assert.match(result.stderr, /^cfws: The Traffic Controller rejected the token \(401\)\n/)
      assert.equal(f.tc.upgrades.length, 2)
      assert.equal(f.cc.requests.filter((r) => r.path === '/oauth/token').length, 1)
    })

    it('4 when the Traffic Controller answers 404 for an app the Cloud Controller found', async () => {
      f.tc.refuseWith('404 Not Found')
      const result = await runCli(['logs', 'myapp'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 4)
      assert.match(result.stderr, /^cfws: The Traffic Controller answered 404: no access to this app's logs\nhint: /)
    })

    it('5 when no app of that name is in the space', async () => {
      const result = await runCli(['logs', 'nosuchapp'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 5)
      assert.match(result.stderr, /^cfws: App 'nosuchapp' not found in space dev of org acme\nhint: /)
      assert.equal(f.tc.upgrades.length, 0)
    })

    it('5 when no space is targeted', async () => {
      f.login({SpaceFields: {GUID: '', Name: ''}})
      const result = await runCli(['logs', 'myapp'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 5)
      assert.equal(result.stderr, "cfws: No space targeted, use 'cf target -s SPACE' to target a space.\n")
    })

    it('6 when a load balancer answers 400 instead of upgrading', async () => {
      f.tc.refuseWith('400 Bad Request', {'Sec-Websocket-Version': '13'})
      const result = await runCli(['logs', 'myapp'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 6)
      assert.match(
        result.stderr,
        /^cfws: ws:\/\/127\.0\.0\.1:\d+ answered 400 instead of upgrading to a WebSocket\nhint: .*WebSocket upgrades.*4443 or 8443.*ws\. hostname/,
      )
    })

    it('6 when the route is bound to a route service', async () => {
      f.tc.refuseWith(
        '503 Service Unavailable',
        {'X-Cf-Routererror': 'route_service_unsupported'},
        '503 Service Unavailable: Websocket requests are not supported for routes bound to Route Services.',
      )
      const result = await runCli(['logs', 'myapp'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 6)
      assert.match(
        result.stderr,
        /answered 503: its route is bound to a route service\nhint: WebSockets are not routed through route services/,
      )
    })

    it('6 before any connection for plain ws:// to a remote host', async () => {
      const result = await runCli(['logs', 'myapp', '--endpoint', 'ws://doppler.example.com:8081'], {
        CF_HOME: f.home.dir,
      })
      assert.equal(result.code, 6)
      assert.match(
        result.stderr,
        /^cfws: Refusing plain ws:\/\/ to doppler\.example\.com:8081: the token would travel in clear\n/,
      )
      assert.equal(f.cc.requests.length, 0)
    })

    it('6 when nothing listens at the endpoint', async () => {
      await f.tc.close()
      const result = await runCli(['logs', 'myapp'], {CF_HOME: f.home.dir})
      f.tc = await FakeTrafficController.start()
      assert.equal(result.code, 6)
      assert.match(result.stderr, /^cfws: Connection refused by the Traffic Controller at 127\.0\.0\.1:\d+\n/)
    })
  })

  it('never prints a token, even in the CFWS_DEBUG trace', async () => {
    const token = freshJwt()
    f.login({AccessToken: `bearer ${token}`})
    f.tc.refuseWith('404 Not Found')
    const result = await runCli(['logs', 'myapp'], {CF_HOME: f.home.dir, CFWS_DEBUG: '1'})
    assert.equal(result.code, 4)
    assert.match(result.stderr, /authorization: \[PRIVATE DATA HIDDEN\]/)
    assert.ok(!result.stderr.includes(token.split('.')[1]), 'the token payload appears on stderr')
    assert.match(result.stderr, / {4}at /, 'CFWS_DEBUG shows a stack')
  })

  it('hides a token that a close reason echoes cut short (123 bytes at most)', async () => {
    const token = freshJwt()
    f.login({AccessToken: `bearer ${token}`})
    const cli = new CliProcess(['logs', 'myapp', '--max-retries', '0'], {CF_HOME: f.home.dir})
    ;(await f.tc.nextClient()).close(4001, token.slice(0, 100))
    const result = await cli.result()
    assert.equal(result.code, 6)
    assert.match(result.stderr, /close code 4001: \[PRIVATE DATA HIDDEN\]\)/)
    assert.ok(!result.stderr.includes(token.slice(0, 12)), result.stderr)
  })
})
