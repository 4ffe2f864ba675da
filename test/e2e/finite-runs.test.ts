import {strict as assert} from 'node:assert'

import {logEnvelope, T0} from '../helpers/envelopes.js'
import {FakeLogCache, v2Log} from '../helpers/fake-cloud-controller.js'
import {TAILING_MYAPP, useFakeFoundation} from '../helpers/fake-foundation.js'
import {CliProcess, runCli} from '../helpers/run-cli.js'

const S = 1_000_000_000n

describe('cfws logs --max-lines and --for (end to end)', () => {
  const f = useFakeFoundation()

  const start = (args: string[]) => new CliProcess(['logs', 'myapp', ...args], {CF_HOME: f.home.dir})

  it('--max-lines N exits 0 after N printed messages, counting only what the filters kept', async () => {
    const cli = start(['--max-lines', '2', '--source', 'APP'])
    const client = await f.tc.nextClient()
    client.send(logEnvelope('GET / 200', {sourceType: 'RTR', sourceInstance: '1'}))
    client.send(logEnvelope('one\ntwo lines'))
    client.send(logEnvelope('GET / 200', {sourceType: 'RTR', sourceInstance: '1'}))
    client.send(logEnvelope('three'))
    client.send(logEnvelope('four, never printed'))
    const result = await cli.result()
    assert.equal(result.code, 0)
    assert.equal(result.stderr, TAILING_MYAPP)
    assert.equal(
      result.stdout,
      [
        '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT one',
        '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT two lines',
        '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT three',
        '',
      ].join('\n'),
    )
  })

  it('--max-lines stops --recent after N messages, oldest first', async () => {
    f.cc.logCache = new FakeLogCache([v2Log(T0, 'a'), v2Log(T0 + S, 'b'), v2Log(T0 + 2n * S, 'c')])
    const result = await runCli(['logs', 'myapp', '--recent', '--max-lines', '2', '--json'], {CF_HOME: f.home.dir})
    assert.equal(result.code, 0)
    assert.deepEqual(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as {message: string}).message),
      ['a', 'b'],
    )
  })

  it('--for exits 0 after that long, with every line received printed', async () => {
    const cli = start(['--for', '600ms'])
    const client = await f.tc.nextClient()
    client.send(logEnvelope('within the time'))
    await cli.waitForStdoutLines(1)
    const result = await cli.result()
    assert.equal(result.code, 0)
    assert.equal(result.stderr, TAILING_MYAPP)
    assert.equal(result.stdout, '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT within the time\n')
  })

  it('--for ends a run whose app logs nothing', async () => {
    const result = await runCli(['logs', 'myapp', '--for', '300ms'], {CF_HOME: f.home.dir})
    assert.equal(result.code, 0)
    assert.equal(result.stdout, '')
    assert.equal(f.tc.upgrades.length, 1)
  })

  it('refuses a bad --for, --max-lines 0 and --for with --recent as usage errors', async () => {
    const bad = await runCli(['logs', 'myapp', '--for', 'soon'], {CF_HOME: f.home.dir})
    assert.equal(bad.code, 2)
    assert.equal(
      bad.stderr,
      "cfws: Invalid --for 'soon'\nhint: Use numbers with units, as Go writes durations: 250ms, 45s, 10m, 1h30m or 1d.\n",
    )
    const zero = await runCli(['logs', 'myapp', '--max-lines', '0'], {CF_HOME: f.home.dir})
    assert.equal(zero.code, 2)
    assert.equal(
      zero.stderr,
      "cfws: --max-lines takes a whole number of at least 1, not '0'\nhint: See 'cfws logs --help'.\n",
    )
    const recent = await runCli(['logs', 'myapp', '--for', '1s', '--recent'], {CF_HOME: f.home.dir})
    assert.equal(recent.code, 2)
    assert.equal(recent.stderr, "cfws: --recent and --for cannot be used together\nhint: See 'cfws logs --help'.\n")
    assert.equal(f.cc.requests.length, 0)
  })
})
