import {strict as assert} from 'node:assert'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {WebSocket} from 'ws'

import {makeCaSignedCertificate, makeNamedCertificate, type TestCertificate} from '../helpers/certificate.js'
import {ConnectProxy} from '../helpers/connect-proxy.js'
import {logEnvelope, APP_GUID} from '../helpers/envelopes.js'
import {FakeLogCache, v2Log} from '../helpers/fake-cloud-controller.js'
import {useFakeFoundation} from '../helpers/fake-foundation.js'
import {FakeTrafficController} from '../helpers/fake-traffic-controller.js'
import {expiredJwt, freshJwt} from '../helpers/jwt.js'
import {type CliResult, CliProcess} from '../helpers/run-cli.js'

const FAKE_DNS = fileURLToPath(new URL('../helpers/fake-dns.mjs', import.meta.url))
const USER_SCOPES = ['cloud_controller.read', 'cloud_controller.write']

/** A loopback address of its own for each test (Linux routes all of 127/8 to lo), so fixed ports such as 4443 never collide. */
function loopbackAddress(): string {
  const byte = (): number => 1 + Math.floor(Math.random() * 250)
  return `127.${byte()}.${byte()}.${byte()}`
}

/** The stdout lines with what changes from run to run (durations, ports, paths, times) made fixed. */
function normalized(stdout: string): string[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) =>
      line
        .replaceAll(/\(\d+ ms\)/g, '(N ms)')
        .replaceAll(/\d+ ms (after|in)/g, 'N ms $1')
        .replaceAll(/in \d+ ms/g, 'in N ms')
        .replaceAll(/:\d{5}\b/g, ':PORT')
        .replaceAll(/\b127\.(?!0\.0\.1\b)\d+\.\d+\.\d+\b/g, 'ADDRESS')
        .replaceAll(/\/tmp\/cfws-home-\w+/g, 'CF_HOME')
        .replaceAll(/valid for [\dhms]+ \(until [^)]+\)/g, 'valid for T (until T)')
        .replaceAll(/valid for [\dhms]+$/g, 'valid for T'),
    )
}

/** The line of one check: `FAIL upgrade …` and the cause/fix lines under it. */
function checkOf(result: CliResult, name: string): string[] {
  const lines = normalized(result.stdout)
  const at = lines.findIndex((line) => line.slice(5).startsWith(`${name.padEnd(18)} `))
  assert.ok(at >= 0, `no ${name} line in:\n${result.stdout}`)
  const [first, ...rest] = lines.slice(at)
  const end = rest.findIndex((line) => !/^ {5}(cause|fix):/.test(line))
  return [first, ...rest.slice(0, end === -1 ? rest.length : end)]
}

describe('cfws doctor (end to end)', function () {
  this.timeout(30_000)
  const f = useFakeFoundation(() => ({AccessToken: `bearer ${freshJwt(USER_SCOPES)}`}))
  let scratch: string
  const servers: FakeTrafficController[] = []
  // What the Traffic Controller does with each stream it accepts.
  let onStream: (client: WebSocket) => void

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'cfws-doctor-'))
    f.tc.refuseAnonymous()
    f.tc.answerPings = true
    // Every stream gets one log line at once, so no run waits out the first-envelope check.
    onStream = (client) => client.send(logEnvelope('hello'))
    const {tc} = f
    void (async () => {
      for (;;) {
        // Read once the stream came: a test changes onStream after this loop began to wait.
        const client = await tc.nextClient()
        onStream(client)
      }
    })()
  })

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(async (server) => server.close()))
    rmSync(scratch, {recursive: true, force: true})
  })

  async function doctor(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    return new CliProcess(['doctor', ...args], {CF_HOME: f.home.dir, ...env}).result()
  }

  /** A TLS Traffic Controller on its own loopback address, answering for the names its certificate covers. */
  async function namedTrafficController(
    address: string,
    certificate: TestCertificate,
    port?: number,
  ): Promise<FakeTrafficController> {
    const tc = await FakeTrafficController.start({host: address, port, certificate})
    tc.refuseAnonymous()
    tc.answerPings = true
    servers.push(tc)
    return tc
  }

  /** The environment of a run that resolves `names` through the fake DNS and trusts `certificate`. */
  function dnsEnv(
    names: Record<string, string>,
    certificate?: TestCertificate & {ca?: string},
  ): Record<string, string> {
    const env: Record<string, string> = {NODE_OPTIONS: `--import=${FAKE_DNS}`, CFWS_TEST_DNS: JSON.stringify(names)}
    if (certificate) {
      const path = join(scratch, 'ca.pem')
      writeFileSync(path, certificate.ca ?? certificate.cert)
      env.NODE_EXTRA_CA_CERTS = path
    }

    return env
  }

  /**
   * A TLS Traffic Controller serving `certificate` as doppler.sys.test, the Cloud Controller's
   * logging endpoint; `env` resolves that name to it and trusts `trusted`.
   */
  async function servingAsDoppler(
    certificate: TestCertificate,
    trusted?: TestCertificate & {ca?: string},
  ): Promise<{tc: FakeTrafficController; env: Record<string, string>}> {
    const address = loopbackAddress()
    const tc = await namedTrafficController(address, certificate)
    f.cc.loggingEndpoint = `wss://doppler.sys.test:${new URL(tc.url).port}`
    return {tc, env: dnsEnv({'doppler.sys.test': address}, trusted)}
  }

  it('walks a working foundation check by check and exits 0', async () => {
    const result = await doctor(['myapp'])
    assert.deepEqual(normalized(result.stdout), [
      'ok   cf config          CF_HOME/.cf/config.json: target http://127.0.0.1:PORT, org acme, space dev, logged in (N ms)',
      'ok   token              valid for T (until T) (N ms)',
      'ok   scopes             cloud_controller.read cloud_controller.write; no doppler.firehose: cfws firehose would be refused (N ms)',
      'ok   uaa                http://127.0.0.1:PORT reachable (GET /info: 200) (N ms)',
      'ok   cloud controller   http://127.0.0.1:PORT answered: API 2.250.0 (N ms)',
      "ok   logger endpoint    ws://127.0.0.1:PORT from the Cloud Controller's /v2/info (N ms)",
      'warn log cache endpoint none advertised (root links.log_cache) nor in the cf config (N ms)',
      '     fix:   --recent then asks the Traffic Controller, which stopped serving recent logs in 2022, and a reconnect cannot backfill the gap.',
      `ok   app                myapp is ${APP_GUID} in space dev of org acme (N ms)`,
      'ok   proxy              no HTTP_PROXY set: direct (N ms)',
      'ok   dns                127.0.0.1 → 127.0.0.1 (N ms)',
      'ok   tcp                connected to 127.0.0.1:PORT (N ms)',
      'skip tls                plain ws:// (allowed only to this machine)',
      'ok   upgrade            upgrades pass (a Traffic Controller answers 401 without a token): 401 Unauthorized; no Upgrade header; Connection: close (N ms)',
      'ok   auth               token accepted: 101 Switching Protocols; Upgrade: websocket; Connection: Upgrade (N ms)',
      "ok   keepalive          the server answered cfws's ping in N ms (N ms)",
      'ok   first envelope     a LogMessage from [APP/PROC/WEB/0] N ms after the upgrade (N ms)',
      'skip log cache          no Log Cache endpoint',
      'Result: a stream works',
    ])
    assert.equal(result.code, 0)
    assert.equal(result.stderr, '')
  })

  const UPGRADE_FIX =
    '     fix:   A load balancer or proxy in front of the Traffic Controller dropped the WebSocket Upgrade header. It must pass WebSocket upgrades over HTTP/1.1; or point --endpoint at the TCP port (4443 or 8443) or the ws. hostname your platform team provides.'

  it('tells a 400 from a load balancer that stripped Upgrade, with the cause and the fix, and exits 6', async () => {
    f.tc.refuseWith('400 Bad Request', {'Sec-Websocket-Version': '13'})
    const result = await doctor(['myapp'])
    assert.deepEqual(checkOf(result, 'upgrade'), [
      'FAIL upgrade            400 Bad Request; no Upgrade header; Connection: close (N ms)',
      '     cause: ws://127.0.0.1:PORT answered 400 instead of upgrading to a WebSocket',
      UPGRADE_FIX,
    ])
    assert.deepEqual(checkOf(result, 'auth'), ['skip auth               needs the upgrade'])
    assert.equal(normalized(result.stdout).at(-1), 'Result: upgrade failed (exit 6)')
    assert.equal(result.code, 6)
    assert.equal(result.stderr, '')
  })

  it('shows the server and an escaped excerpt of the page a load balancer answered with 200', async () => {
    f.tc.refuseWith(
      '200 OK',
      {'Content-Type': 'text/html', Server: 'nginx/1.25'},
      '<html>\n<body>Welcome\x1b[2J</body></html>',
    )
    const result = await doctor(['myapp'])
    assert.deepEqual(checkOf(result, 'upgrade'), [
      'FAIL upgrade            200 OK; no Upgrade header; Connection: close; Server: nginx/1.25; Content-Type: text/html; body "<html>\\n<body>Welcome\\x1b[2J</body></html>" (N ms)',
      '     cause: ws://127.0.0.1:PORT answered 200 instead of upgrading to a WebSocket',
      UPGRADE_FIX,
    ])
    assert.equal(result.code, 6)
  })

  it('names a route service bound to the logging route (503 route_service_unsupported)', async () => {
    f.tc.refuseWith(
      '503 Service Unavailable',
      {'X-Cf-Routererror': 'route_service_unsupported'},
      '503 Service Unavailable: Websocket requests are not supported for routes bound to Route Services.',
    )
    const result = await doctor(['myapp'])
    const [line, cause, fix] = checkOf(result, 'upgrade')
    assert.match(
      line,
      /^FAIL upgrade {12}503 Service Unavailable; no Upgrade header; Connection: close; X-Cf-Routererror: route_service_unsupported; body "503 Service Unavailable: Websocket requests are not supported for routes bound to Route Services\." \(N ms\)$/,
    )
    assert.equal(cause, '     cause: ws://127.0.0.1:PORT answered 503: its route is bound to a route service')
    assert.match(fix, /^ {5}fix: {3}WebSockets are not routed through route services/)
    assert.equal(result.code, 6)
  })

  it('names an unknown route (404 unknown_route)', async () => {
    f.tc.refuseWith(
      '404 Not Found',
      {'X-Cf-Routererror': 'unknown_route'},
      "404 Not Found: Requested route ('doppler.sys.example.com') does not exist.",
    )
    const result = await doctor(['myapp'])
    assert.equal(
      checkOf(result, 'upgrade')[1],
      '     cause: ws://127.0.0.1:PORT answered 404: the router knows no such route',
    )
    assert.equal(result.code, 6)
  })

  it('stops at a refused port and skips what needs it', async () => {
    const closed = await FakeTrafficController.start()
    const {url} = closed
    await closed.close()
    f.cc.loggingEndpoint = url
    const result = await doctor(['myapp'])
    assert.deepEqual(checkOf(result, 'tcp'), [
      'FAIL tcp                Connection refused by the Traffic Controller at 127.0.0.1:PORT (N ms)',
      '     fix:   Check the port, and that nothing between you and the foundation blocks it.',
    ])
    assert.deepEqual(
      ['tls', 'upgrade', 'auth'].map((name) => checkOf(result, name)[0]),
      ['skip tls                needs tcp', 'skip upgrade            needs tcp', 'skip auth               needs tcp'],
    )
    assert.equal(result.code, 6)
  })

  it('stops at a name DNS does not know', async () => {
    f.cc.loggingEndpoint = 'wss://doppler.nowhere.test:443'
    const result = await doctor(['myapp'], dnsEnv({}))
    assert.deepEqual(checkOf(result, 'dns'), [
      'FAIL dns                Cannot resolve the host of the Traffic Controller: doppler.nowhere.test (N ms)',
      '     fix:   Check the host name (cf api, --endpoint or CFWS_LOGGER_ENDPOINT) and your DNS.',
    ])
    assert.equal(result.code, 6)
  })

  it('tells an untrusted certificate and points at NODE_EXTRA_CA_CERTS', async () => {
    const certificate = await makeNamedCertificate(['doppler.sys.test'])
    const {env} = await servingAsDoppler(certificate)
    const result = await doctor(['myapp'], env)
    const [line, cause, fix] = checkOf(result, 'tls')
    assert.match(
      line,
      /^FAIL tls {16}TLSv1\.3, CN=doppler\.sys\.test \(issuer CN=doppler\.sys\.test\), expires \d{4}-\d\d-\d\d, names doppler\.sys\.test \(N ms\)$/,
    )
    assert.equal(
      cause,
      '     cause: The certificate of doppler.sys.test:PORT is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)',
    )
    assert.equal(
      fix,
      '     fix:   Add the CA that issued it (CN=doppler.sys.test) with NODE_EXTRA_CA_CERTS=/path/to/ca.pem; --skip-ssl-validation also gets past it, but trusts any server.',
    )
    assert.equal(result.code, 6)
  })

  it('tells a certificate for another name, which NODE_EXTRA_CA_CERTS cannot fix', async () => {
    const certificate = await makeNamedCertificate(['logs.other.test'])
    const {env} = await servingAsDoppler(certificate, certificate)
    const result = await doctor(['myapp'], env)
    const [, cause, fix] = checkOf(result, 'tls')
    assert.equal(
      cause,
      '     cause: The certificate of doppler.sys.test:PORT covers logs.other.test, not doppler.sys.test',
    )
    assert.equal(
      fix,
      '     fix:   NODE_EXTRA_CA_CERTS cannot fix a name mismatch: use a name the certificate covers (--endpoint wss://logs.other.test:PORT), or --skip-ssl-validation on a network you trust.',
    )
    assert.equal(result.code, 6)
  })

  it("tells a CA key too weak for OpenSSL's security level 2 (Node 24's) as too weak, not as a CA to add", async () => {
    const certificate = await makeCaSignedCertificate(['doppler.sys.test'], 1024)
    const {env} = await servingAsDoppler(certificate, certificate)
    // Level 2 is Node 24's default; Node 20 and 22 run at level 1 and take the key unless told.
    env.NODE_OPTIONS += ' --tls-cipher-list=DEFAULT@SECLEVEL=2'
    const result = await doctor(['myapp'], env)
    const [, cause, fix] = checkOf(result, 'tls')
    assert.equal(
      cause,
      '     cause: The certificate of doppler.sys.test:PORT is signed by a CA whose key is too weak to trust (RSA under 2048 bits)',
    )
    assert.equal(
      fix,
      '     fix:   NODE_EXTRA_CA_CERTS cannot fix a weak key: the foundation must reissue its CA with a stronger one (tell your platform team). Node 24 refuses what Node 20 and 22 took: NODE_OPTIONS=--tls-cipher-list=DEFAULT@SECLEVEL=1 takes it again meanwhile, as --skip-ssl-validation does on a network you trust.',
    )
    assert.equal(result.code, 6)
  })

  it('tells a certificate signed with SHA-1 as signed with a weak digest, not as untrusted (UNSPECIFIED)', async () => {
    const certificate = await makeCaSignedCertificate(['doppler.sys.test'], 2048, 'sha1')
    const {env} = await servingAsDoppler(certificate, certificate)
    const result = await doctor(['myapp'], env)
    const [, cause, fix] = checkOf(result, 'tls')
    assert.equal(
      cause,
      '     cause: The certificate of doppler.sys.test:PORT is signed with a digest too weak to trust (SHA-1 or MD5)',
    )
    assert.equal(
      fix,
      '     fix:   NODE_EXTRA_CA_CERTS cannot fix a weak signature: the foundation must reissue the certificate signed with SHA-256 (tell your platform team); --skip-ssl-validation gets past it meanwhile, on a network you trust.',
    )
    assert.equal(result.code, 6)
  })

  it('streams over a trusted certificate of the right name', async () => {
    const certificate = await makeNamedCertificate(['doppler.sys.test'])
    const {tc, env} = await servingAsDoppler(certificate, certificate)
    const sent = tc.nextClient().then((client) => client.send(logEnvelope('over TLS')))
    const result = await doctor(['myapp'], env)
    await sent
    assert.match(checkOf(result, 'tls')[0], /^ok {3}tls .*names doppler\.sys\.test; trusted \(N ms\)$/)
    assert.equal(checkOf(result, 'dns')[0], 'ok   dns                doppler.sys.test → ADDRESS (N ms)')
    assert.equal(
      checkOf(result, 'auth')[0],
      'ok   auth               token accepted: 101 Switching Protocols; Upgrade: websocket; Connection: Upgrade (N ms)',
    )
    assert.equal(result.code, 0)
  })

  it('refreshes an expired token, says so, and saves it', async () => {
    f.login({AccessToken: `bearer ${expiredJwt(USER_SCOPES)}`})
    const result = await doctor(['myapp'])
    assert.match(
      checkOf(result, 'token')[0],
      /^ok {3}token {14}expired 1m(1s)? ago: refreshed through UAA and saved to the cf config, valid for (1h0m|59m\d+s) \(N ms\)$/,
    )
    assert.deepEqual(checkOf(result, 'uaa'), [
      'ok   uaa                http://127.0.0.1:PORT answered the token refresh (N ms)',
    ])
    assert.equal(f.home.read().RefreshToken, 'refresh-token-2')
    assert.equal(result.code, 0)
  })

  it('warns of a UAA that answers 5xx while the token is fresh', async () => {
    f.cc.uaaInfoAnswer = {status: 500, body: '<html>Internal Server Error</html>'}
    const result = await doctor(['myapp'])
    assert.deepEqual(checkOf(result, 'uaa'), [
      'warn uaa                UAA at http://127.0.0.1:PORT answered 500 to GET /info (N ms)',
      '     fix:   The token works until it expires; refreshing it then needs UAA. UAA is up but failing: its operators can tell why.',
    ])
    assert.equal(result.code, 0)
  })

  it('fails the uaa check of an expired token when UAA is out of reach: no stream can start', async () => {
    const closed = await FakeTrafficController.start()
    const port = new URL(closed.url).port
    await closed.close()
    f.login({AccessToken: `bearer ${expiredJwt(USER_SCOPES)}`, AuthorizationEndpoint: `http://127.0.0.1:${port}`})
    const result = await doctor(['myapp'])
    assert.deepEqual(checkOf(result, 'uaa'), [
      'FAIL uaa                Connection refused by UAA at 127.0.0.1:PORT (N ms)',
      '     fix:   No stream can start: the token needs a refresh, and that needs UAA. Check the port, and that nothing between you and the foundation blocks it.',
    ])
    assert.equal(checkOf(result, 'token')[0].slice(0, 10), 'FAIL token')
    assert.equal(normalized(result.stdout).at(-1), 'Result: token failed (exit 6)')
    assert.equal(result.code, 6)
  })

  it('fails the uaa check of an expired token when UAA answers 5xx, in the JSON report too', async () => {
    f.login({AccessToken: `bearer ${expiredJwt(USER_SCOPES)}`})
    f.cc.tokenAnswers = [{status: 502}]
    f.cc.uaaInfoAnswer = {status: 502}
    const result = await doctor(['myapp', '--json'])
    const report = JSON.parse(result.stdout) as {
      checks: Array<{name: string; status: string; detail: string; code?: string}>
      exit_code: number
    }
    assert.deepEqual(
      report.checks
        .filter((check) => check.name === 'token' || check.name === 'uaa')
        .map((check) => [
          check.name,
          check.status,
          check.detail.replace(/:\d+/, ':PORT').replace(/expired [\dms]+ ago/, 'expired T ago'),
          check.code,
        ]),
      [
        ['token', 'fail', 'expired T ago; the refresh failed', 'REFRESH_FAILED'],
        ['uaa', 'fail', 'UAA at http://127.0.0.1:PORT answered 502 to GET /info', 'SERVER_ERROR'],
      ],
    )
    assert.deepEqual([report.exit_code, result.code], [3, 3])
  })

  it('fails the firehose check with exit 4 when the token lacks doppler.firehose', async () => {
    const result = await doctor(['--firehose'])
    assert.deepEqual(checkOf(result, 'scopes'), [
      'FAIL scopes             cloud_controller.read cloud_controller.write: no doppler.firehose (N ms)',
      '     cause: The token has no doppler.firehose scope, which the firehose needs',
      '     fix:   Log in as a user with doppler.firehose, or use a UAA client that has it: --client-id/--client-secret (or CFWS_CLIENT_ID/CFWS_CLIENT_SECRET).',
    ])
    assert.equal(checkOf(result, 'upgrade')[0].slice(0, 25), 'ok   upgrade            u')
    assert.deepEqual(checkOf(result, 'auth'), ['skip auth               needs the doppler.firehose scope'])
    assert.equal(result.code, 4)
  })

  it('fails at an app that is not in the space (exit 5), and still checks that upgrades pass', async () => {
    const result = await doctor(['nosuchapp'])
    assert.deepEqual(checkOf(result, 'app'), [
      "FAIL app                App 'nosuchapp' not found in space dev of org acme (N ms)",
      "     fix:   Check the name with 'cf apps', or target another space with 'cf target -s SPACE'.",
    ])
    assert.match(checkOf(result, 'upgrade')[0], /^ok {3}upgrade {12}upgrades pass/)
    assert.deepEqual(checkOf(result, 'auth'), ['skip auth               needs the app'])
    assert.equal(result.code, 5)
  })

  it('opens the firehose under a subscription of its own with --firehose', async () => {
    f.login({AccessToken: `bearer ${freshJwt([...USER_SCOPES, 'doppler.firehose'])}`})
    const result = await doctor(['--firehose'])
    assert.equal(
      checkOf(result, 'scopes')[0],
      'ok   scopes             cloud_controller.read cloud_controller.write doppler.firehose (N ms)',
    )
    assert.equal(
      checkOf(result, 'first envelope')[0],
      'ok   first envelope     a LogMessage from [APP/PROC/WEB/0] N ms after the upgrade (N ms)',
    )
    assert.deepEqual(
      f.tc.upgrades.map((upgrade) => [
        /^\/firehose\/cfws-doctor-[\da-f]{10}$/.test(upgrade.path),
        upgrade.authorization?.split(' ')[0],
      ]),
      [
        [true, undefined],
        [true, 'bearer'],
      ],
    )
    assert.equal(normalized(result.stdout).at(-1), 'Result: a stream works')
    assert.equal(result.code, 0)
  })

  it('tells a token the Traffic Controller refuses even after a refresh (exit 3)', async () => {
    f.tc.refuseWith('401 Unauthorized', {'WWW-Authenticate': 'Basic'})
    const result = await doctor(['myapp'])
    assert.deepEqual(checkOf(result, 'auth'), [
      'FAIL auth               401 Unauthorized; no Upgrade header; Connection: close (N ms)',
      '     cause: The Traffic Controller rejected the token (401)',
      "     fix:   Log in again with 'cf login'.",
    ])
    assert.ok(
      f.cc.requests.some((request) => request.path === '/oauth/token'),
      'refreshed once before giving up',
    )
    assert.equal(result.code, 3)
  })

  const LOST_FIX =
    '     fix:   The upgrade went through, then the stream ended: cfws logs would reconnect again and again. A close code and reason come from the server (the Traffic Controller, or a load balancer in front of it) and say why; a drop without a close frame (1006) is often a load balancer or proxy that cuts WebSocket connections. Give your platform team this report (cfws doctor --json).'

  it('fails keepalive when the Traffic Controller accepts the token and closes the stream at once (1011), exit 6', async () => {
    onStream = (client) => client.close(1011, 'upstream gone')
    const result = await doctor(['myapp'])
    assert.deepEqual(
      [...checkOf(result, 'keepalive'), ...checkOf(result, 'first envelope')],
      [
        'FAIL keepalive          Connection lost N ms after the upgrade (closed by the server: internal error (1011): upstream gone) (N ms)',
        LOST_FIX,
        'skip first envelope     the stream closed',
      ],
    )
    assert.equal(normalized(result.stdout).at(-1), 'Result: keepalive failed (exit 6)')
    assert.equal(result.code, 6)
    assert.equal(result.stderr, '')
  })

  it('fails keepalive in the JSON report too when the stream is dropped without a close frame (1006)', async () => {
    onStream = (client) => client.terminate()
    const result = await doctor(['myapp', '--json'])
    const report = JSON.parse(result.stdout) as {
      checks: Array<{name: string; status: string; detail: string; code?: string; exit_code?: number}>
      exit_code: number
    }
    assert.deepEqual(
      report.checks
        .filter((check) => check.name === 'keepalive' || check.name === 'first envelope')
        .map((check) => [check.status, check.detail.replace(/\d+ ms/, 'N ms'), check.code, check.exit_code]),
      [
        ['fail', 'Connection lost N ms after the upgrade (dropped without a close frame (1006))', 'STREAM_CLOSED', 6],
        ['skip', 'the stream closed', undefined, undefined],
      ],
    )
    assert.deepEqual([report.exit_code, result.code], [6, 6])
  })

  it('ends at once on Ctrl-C, with what it found so far, exit 130', async () => {
    f.tc.hangUpgrades = true
    const cli = new CliProcess(['doctor', 'myapp'], {CF_HOME: f.home.dir})
    await f.tc.waitForUpgrades(1)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    assert.equal(normalized(result.stdout).at(-1), 'skip tls                plain ws:// (allowed only to this machine)')
    assert.equal(result.stderr, '')
  })

  it('writes the JSON report of what it found so far on Ctrl-C, exit 130, and on SIGTERM, exit 143', async () => {
    f.tc.hangUpgrades = true
    for (const [run, [signal, code]] of (
      [
        ['SIGINT', 130],
        ['SIGTERM', 143],
      ] as const
    ).entries()) {
      const cli = new CliProcess(['doctor', 'myapp', '--json'], {CF_HOME: f.home.dir})
      await f.tc.waitForUpgrades(run + 1)
      cli.child.kill(signal)
      const result = await cli.result()
      const report = JSON.parse(result.stdout) as {
        checks: Array<{name: string; status: string}>
        interrupted_by: string
        exit_code: number
      }
      // The upgrade without a token hangs: it is not among the checks that ended.
      assert.deepEqual(
        report.checks.map((check) => `${check.status} ${check.name}`),
        [
          'ok cf config',
          'ok token',
          'ok scopes',
          'ok uaa',
          'ok cloud controller',
          'ok logger endpoint',
          'warn log cache endpoint',
          'ok app',
          'ok proxy',
          'ok dns',
          'ok tcp',
          'skip tls',
        ],
      )
      assert.deepEqual([report.interrupted_by, report.exit_code, result.code, result.stderr], [signal, code, code, ''])
    }
  })

  it('fails at a missing cf config with exit 3, and still probes an endpoint given by hand without a token', async () => {
    const result = await doctor(['myapp', '--endpoint', f.tc.url], {CF_HOME: scratch})
    assert.deepEqual(checkOf(result, 'cf config'), [
      "FAIL cf config          Not logged in. Use 'cf login' to log in. (N ms)",
      `     fix:   No cf config at ${scratch}/.cf/config.json; set CF_HOME if it lives elsewhere.`,
    ])
    assert.equal(
      checkOf(result, 'logger endpoint')[0],
      'ok   logger endpoint    ws://127.0.0.1:PORT from --endpoint (N ms)',
    )
    assert.match(checkOf(result, 'upgrade')[0], /^ok {3}upgrade {12}upgrades pass/)
    assert.deepEqual(checkOf(result, 'auth'), ['skip auth               needs a valid token'])
    assert.equal(f.tc.upgrades.length, 1)
    assert.equal(f.tc.upgrades[0].authorization, undefined)
    assert.equal(result.code, 3)
  })

  it('warns of a stale DopplerEndPoint in the cf config and uses the Cloud Controller’s', async () => {
    f.login({AccessToken: `bearer ${freshJwt(USER_SCOPES)}`, DopplerEndPoint: 'wss://doppler.old.test:443'})
    const result = await doctor(['myapp'])
    assert.deepEqual(checkOf(result, 'logger endpoint'), [
      "warn logger endpoint    ws://127.0.0.1:PORT from the Cloud Controller's /v2/info; the cf config's DopplerEndPoint wss://doppler.old.test:443 differs from the Cloud Controller's: it is stale, and cfws does not use it (N ms)",
      "     fix:   Tools that read DopplerEndPoint from the config use the old endpoint: 'cf login' (or 'cf api') rewrites it.",
    ])
    assert.equal(result.code, 0)
  })

  it('goes on past an untrusted certificate with --skip-ssl-validation, with a warning', async () => {
    const certificate = await makeNamedCertificate(['doppler.sys.test'])
    const {tc, env} = await servingAsDoppler(certificate)
    void tc.nextClient().then((client) => client.send(logEnvelope('unverified')))
    const result = await doctor(['myapp', '--skip-ssl-validation'], env)
    const [line, cause] = checkOf(result, 'tls')
    assert.match(line, /^warn tls .*; not verified \(--skip-ssl-validation or SSLDisabled\) \(N ms\)$/)
    assert.equal(
      cause,
      '     cause: The certificate of doppler.sys.test:PORT is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)',
    )
    assert.equal(checkOf(result, 'auth')[0].slice(0, 10), 'ok   auth ')
    assert.equal(result.code, 0)
  })

  describe('finding an endpoint that works', () => {
    it('finds port 4443 when the configured port refuses the upgrade, tokenless first, and prints the command', async () => {
      const address = loopbackAddress()
      const certificate = await makeNamedCertificate(['doppler.sys.test', 'ws.sys.test'])
      const balancer = await namedTrafficController(address, certificate)
      balancer.refuseWith('400 Bad Request')
      const tcp = await namedTrafficController(address, certificate, 4443)
      f.cc.loggingEndpoint = `wss://doppler.sys.test:${new URL(balancer.url).port}`
      const result = await doctor(
        ['myapp'],
        dnsEnv({'doppler.sys.test': address, 'ws.sys.test': loopbackAddress()}, certificate),
      )
      const lines = normalized(result.stdout)
      assert.deepEqual(lines.slice(lines.findIndex((line) => line.startsWith('Trying'))), [
        'Trying 6 other endpoints of sys.test, each without the token first:',
        'FAIL try                wss://doppler.sys.test:443: Connection refused by the Traffic Controller at doppler.sys.test:443 (N ms)',
        'ok   try                wss://doppler.sys.test:4443: upgrades pass (401 without the token); token accepted: a stream opened (N ms)',
        'FAIL try                wss://doppler.sys.test:8443: Connection refused by the Traffic Controller at doppler.sys.test:8443 (N ms)',
        'FAIL try                wss://ws.sys.test:443: Connection refused by the Traffic Controller at ws.sys.test:443 (N ms)',
        'FAIL try                wss://ws.sys.test:4443: Connection refused by the Traffic Controller at ws.sys.test:4443 (N ms)',
        'FAIL try                wss://ws.sys.test:8443: Connection refused by the Traffic Controller at ws.sys.test:8443 (N ms)',
        'Use wss://doppler.sys.test:4443:',
        '  cfws logs myapp --endpoint wss://doppler.sys.test:4443',
        '  export CFWS_LOGGER_ENDPOINT=wss://doppler.sys.test:4443',
        'Result: upgrade failed (exit 6)',
      ])
      assert.deepEqual(
        tcp.upgrades.map((upgrade) => [upgrade.path, upgrade.authorization?.replace(/ .*/, ' …')]),
        [
          [`/apps/${APP_GUID}/stream`, undefined],
          [`/apps/${APP_GUID}/stream`, 'bearer …'],
        ],
      )
      assert.equal(result.code, 6)
      assert.equal(result.stderr, '')
    })

    it('finds a ws. host of the system domain', async () => {
      const [doppler, ws] = [loopbackAddress(), loopbackAddress()]
      const certificate = await makeNamedCertificate(['doppler.sys.test', 'ws.sys.test'])
      const balancer = await namedTrafficController(doppler, certificate)
      balancer.refuseWith('200 OK', {'Content-Type': 'text/html'}, '<html>hello</html>')
      await namedTrafficController(ws, certificate, 4443)
      f.cc.loggingEndpoint = `wss://doppler.sys.test:${new URL(balancer.url).port}`
      const result = await doctor(['myapp'], dnsEnv({'doppler.sys.test': doppler, 'ws.sys.test': ws}, certificate))
      const lines = normalized(result.stdout)
      assert.ok(
        lines.includes(
          'ok   try                wss://ws.sys.test:4443: upgrades pass (401 without the token); token accepted: a stream opened (N ms)',
        ),
        result.stdout,
      )
      assert.deepEqual(lines.slice(-4), [
        'Use wss://ws.sys.test:4443:',
        '  cfws logs myapp --endpoint wss://ws.sys.test:4443',
        '  export CFWS_LOGGER_ENDPOINT=wss://ws.sys.test:4443',
        'Result: upgrade failed (exit 6)',
      ])
    })

    it('says when no other endpoint works', async () => {
      f.tc.refuseWith('400 Bad Request')
      const result = await doctor(['myapp'])
      assert.deepEqual(normalized(result.stdout).slice(-2), [
        'No other endpoint of the foundation worked: give your platform team this report (cfws doctor --json).',
        'Result: upgrade failed (exit 6)',
      ])
    })
  })

  it('reads one envelope from Log Cache when the foundation has one', async () => {
    f.cc.logCache = new FakeLogCache([v2Log(1_764_000_000_000_000_000n, 'cached line')])
    const result = await doctor(['myapp'])
    assert.deepEqual(checkOf(result, 'log cache endpoint'), [
      'ok   log cache endpoint http://127.0.0.1:PORT (from root links.log_cache) (N ms)',
    ])
    assert.deepEqual(checkOf(result, 'log cache'), [
      'ok   log cache          read the newest line, logged 2025-11-24T16:00:00.000Z (N ms)',
    ])
    assert.equal(f.cc.logCache.reads[0].get('limit'), '1')
  })

  it('warns, without failing the run, when Log Cache refuses the app', async () => {
    f.cc.logCache = new FakeLogCache([])
    f.cc.logCache.acceptToken = () => false
    const result = await doctor(['myapp'])
    assert.deepEqual(
      checkOf(result, 'log cache')[0],
      "warn log cache          Log Cache answered 404: no access to this app's logs (N ms)",
    )
    assert.equal(result.code, 0)
  })

  it('writes the whole report as one JSON document with --json, and no token anywhere', async () => {
    f.tc.refuseWith('400 Bad Request')
    const result = await doctor(['myapp', '--json'])
    const report = JSON.parse(result.stdout) as {
      app: string
      stream: string
      checks: Array<{
        name: string
        status: string
        detail: string
        duration_ms: number
        cause?: string
        fix?: string
        code?: string
        exit_code?: number
      }>
      candidates: Array<{endpoint: string; status: string; stream_opened: boolean}>
      recommended_endpoint: string | null
      commands: string[]
      exit_code: number
    }
    assert.equal(report.app, 'myapp')
    assert.equal(report.stream, 'app')
    assert.deepEqual(
      report.checks.map((check) => `${check.status} ${check.name}`),
      [
        'ok cf config',
        'ok token',
        'ok scopes',
        'ok uaa',
        'ok cloud controller',
        'ok logger endpoint',
        'warn log cache endpoint',
        'ok app',
        'ok proxy',
        'ok dns',
        'ok tcp',
        'skip tls',
        'fail upgrade',
        'skip auth',
        'skip keepalive',
        'skip first envelope',
        'skip log cache',
      ],
    )
    const upgrade = report.checks.find((check) => check.name === 'upgrade')!
    assert.deepEqual(
      {...upgrade, duration_ms: 0},
      {
        name: 'upgrade',
        status: 'fail',
        detail: '400 Bad Request; no Upgrade header; Connection: close',
        duration_ms: 0,
        cause: `${f.tc.url} answered 400 instead of upgrading to a WebSocket`,
        fix: UPGRADE_FIX.replace(/^ +fix: +/, ''),
        code: 'UPGRADE_STRIPPED',
        exit_code: 6,
      },
    )
    assert.ok(report.checks.every((check) => Number.isInteger(check.duration_ms) && check.duration_ms >= 0))
    assert.deepEqual(
      report.candidates.map((candidate) => [candidate.endpoint, candidate.status, candidate.stream_opened]),
      [
        ['wss://127.0.0.1:443', 'fail', false],
        ['wss://127.0.0.1:4443', 'fail', false],
        ['wss://127.0.0.1:8443', 'fail', false],
      ],
    )
    assert.equal(report.recommended_endpoint, null)
    assert.deepEqual(report.commands, [])
    assert.equal(report.exit_code, 6)
    assert.equal(result.code, 6)
    const token = (f.home.read().AccessToken as string).slice('bearer '.length)
    assert.ok(!result.stdout.includes(token.split('.')[1]), 'no part of the token in the report')
    assert.equal(result.stderr, '')
  })

  describe('behind a proxy', () => {
    let proxy: ConnectProxy
    let certificate: TestCertificate
    let port: string

    beforeEach(async () => {
      proxy = await ConnectProxy.start()
      certificate = await makeNamedCertificate(['doppler.sys.test'])
      // The proxy sends every tunnel to 127.0.0.1, whatever name was asked for.
      const tc = await namedTrafficController('127.0.0.1', certificate)
      port = new URL(tc.url).port
      f.cc.loggingEndpoint = `wss://doppler.sys.test:${port}`
      void (async () => {
        for (;;) (await tc.nextClient()).send(logEnvelope('through the proxy'))
      })()
    })

    afterEach(async () => proxy.close())

    it('says HTTPS_PROXY applies and checks the tunnel, TLS and the stream through it', async () => {
      const result = await doctor(['myapp'], {...dnsEnv({}, certificate), HTTPS_PROXY: proxy.url})
      assert.deepEqual(
        ['proxy', 'dns', 'tcp', 'auth', 'first envelope'].map((name) => checkOf(result, name)[0]),
        [
          'ok   proxy              HTTPS_PROXY applies to doppler.sys.test: through the proxy at 127.0.0.1:PORT (N ms)',
          'skip dns                the proxy at 127.0.0.1:PORT resolves doppler.sys.test',
          'ok   tcp                tunnel to doppler.sys.test:PORT through the proxy at 127.0.0.1:PORT (N ms)',
          'ok   auth               token accepted: 101 Switching Protocols; Upgrade: websocket; Connection: Upgrade (N ms)',
          'ok   first envelope     a LogMessage from [APP/PROC/WEB/0] N ms after the upgrade (N ms)',
        ],
      )
      assert.match(checkOf(result, 'tls')[0], /^ok {3}tls .*; trusted \(N ms\)$/)
      assert.deepEqual([...new Set(proxy.tunnels.map((tunnel) => tunnel.target))], [`doppler.sys.test:${port}`])
      assert.equal(proxy.tunnels.length, 3, 'the TLS check, the upgrade without the token, and the stream')
      assert.equal(result.code, 0)
    })

    it('tells a proxy that refuses the tunnel (407)', async () => {
      proxy.refuseWith = '407 Proxy Authentication Required'
      const result = await doctor(['myapp'], {...dnsEnv({}, certificate), HTTPS_PROXY: proxy.url})
      assert.deepEqual(checkOf(result, 'tcp'), [
        'FAIL tcp                The proxy at 127.0.0.1:PORT refused a tunnel to doppler.sys.test:PORT (407) (N ms)',
        '     fix:   The proxy wants credentials: write USER:PASSWORD@ before its host in HTTPS_PROXY, or add the host to NO_PROXY.',
      ])
      assert.equal(result.code, 6)
    })

    it('says when NO_PROXY sends a host direct', async () => {
      const result = await doctor(['myapp'], {
        ...dnsEnv({'doppler.sys.test': '127.0.0.1'}, certificate),
        HTTPS_PROXY: proxy.url,
        NO_PROXY: '.sys.test',
      })
      assert.equal(
        checkOf(result, 'proxy')[0],
        'ok   proxy              HTTPS_PROXY is set, but NO_PROXY lists doppler.sys.test: direct (N ms)',
      )
      assert.equal(checkOf(result, 'dns')[0], 'ok   dns                doppler.sys.test → 127.0.0.1 (N ms)')
      assert.deepEqual(proxy.tunnels, [])
      assert.equal(result.code, 0)
    })
  })
})
