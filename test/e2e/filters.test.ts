import {strict as assert} from 'node:assert'

import {logEnvelope, T0} from '../helpers/envelopes.js'
import {FakeLogCache, v2Log} from '../helpers/fake-cloud-controller.js'
import {useFakeFoundation} from '../helpers/fake-foundation.js'
import {CliProcess, runCli} from '../helpers/run-cli.js'

const S = 1_000_000_000n

describe('cfws logs filters (end to end)', () => {
  const f = useFakeFoundation()

  const start = (args: string[]) => new CliProcess(['logs', 'myapp', ...args], {CF_HOME: f.home.dir})

  /** Sends a mix of sources, instances and types, then a last line every filter below lets through. */
  async function streamMix(cli: CliProcess, lines: number): Promise<string[]> {
    const client = await f.tc.nextClient()
    client.send(logEnvelope('GET / 200', {sourceType: 'RTR', sourceInstance: '1'}))
    client.send(logEnvelope('staging done', {sourceType: 'STG'}))
    client.send(logEnvelope('web 0 ok'))
    client.send(logEnvelope('web 2 ok', {sourceInstance: '2'}))
    client.send(logEnvelope('Error: timeout\n    at main', {messageType: 2, timestamp: T0 + S}))
    client.send(logEnvelope('migrating', {sourceType: 'APP/TASK/migrate'}))
    client.send(
      logEnvelope('ERR end', {messageType: 2, sourceType: 'APP/PROC/WEB', sourceInstance: '0', timestamp: T0 + 2n * S}),
    )
    const output = await cli.waitForStdoutLines(lines)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    assert.equal(result.stdout, `${output.join('\n')}\n`, 'nothing more than the lines expected')
    return output
  }

  it('--source keeps the source types given and those below them, in text', async () => {
    assert.deepEqual(await streamMix(start(['--source', 'APP', '--exclude', 'ok$']), 4), [
      '2025-11-24T09:46:48.12+0000 [APP/PROC/WEB/0] ERR Error: timeout',
      '2025-11-24T09:46:48.12+0000 [APP/PROC/WEB/0] ERR     at main',
      '2025-11-24T09:46:47.12+0000 [APP/TASK/migrate/0] OUT migrating',
      '2025-11-24T09:46:49.12+0000 [APP/PROC/WEB/0] ERR ERR end',
    ])
  })

  it('--exclude-source drops the types given, as --source keeps them, and --json carries what is left', async () => {
    // Before the app's name too: a filter takes one value at a time, and leaves the name an app.
    const cli = new CliProcess(['logs', '--exclude-source', 'rtr', '--exclude-source', 'APP/TASK', 'myapp', '--json'], {
      CF_HOME: f.home.dir,
    })
    const output = await streamMix(cli, 5)
    assert.deepEqual(
      output.map((line) => (JSON.parse(line) as {source_type: string; message: string}).message),
      ['staging done', 'web 0 ok', 'web 2 ok', 'Error: timeout\n    at main', 'ERR end'],
    )
  })

  it('--source RTR,STG drops the app’s own lines', async () => {
    const cli = start(['--source', 'RTR,STG', '--json'])
    const output = await (async () => {
      const client = await f.tc.nextClient()
      client.send(logEnvelope('web 0 ok'))
      client.send(logEnvelope('GET / 200', {sourceType: 'RTR', sourceInstance: '1'}))
      client.send(logEnvelope('staging done', {sourceType: 'STG'}))
      return cli.waitForStdoutLines(2)
    })()
    cli.child.kill('SIGINT')
    await cli.result()
    assert.deepEqual(
      output.map((line) => (JSON.parse(line) as {source_type: string}).source_type),
      ['RTR', 'STG'],
    )
  })

  it('--instance and --type ERR (as cfws prints it; err too) keep instance 0’s errors, in JSON', async () => {
    const output = await streamMix(start(['--instance', '0', '--type', 'ERR', '--json']), 2)
    assert.deepEqual(
      output.map((line) => (JSON.parse(line) as {message: string}).message),
      ['Error: timeout\n    at main', 'ERR end'],
    )
  })

  it('--include keeps messages matching any pattern, --exclude drops those matching one', async () => {
    assert.deepEqual(await streamMix(start(['--include', '^web', '--include', 'end$', '--exclude', '2 ok']), 2), [
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT web 0 ok',
      '2025-11-24T09:46:49.12+0000 [APP/PROC/WEB/0] ERR ERR end',
    ])
  })

  it('--highlight changes nothing in a pipe', async () => {
    assert.deepEqual(await streamMix(start(['--highlight', 'ok', '--type', 'out', '--source', 'APP/PROC']), 2), [
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT web 0 ok',
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/2] OUT web 2 ok',
    ])
  })

  it('applies to --recent history, counting --lines after the filters', async () => {
    f.cc.logCache = new FakeLogCache([
      v2Log(T0, 'old app line'),
      v2Log(T0 + S, 'Error: boom', {type: 'ERR'}),
      v2Log(T0 + 2n * S, 'GET / 200', {sourceType: 'RTR', instance: '1'}),
      v2Log(T0 + 3n * S, 'new app line'),
      v2Log(T0 + 4n * S, 'GET /x 404', {sourceType: 'RTR', instance: '1'}),
    ])
    const result = await runCli(['logs', 'myapp', '--recent', '--source', 'APP', '--lines', '2'], {CF_HOME: f.home.dir})
    assert.equal(result.code, 0)
    assert.equal(result.stderr, '')
    assert.equal(
      result.stdout,
      '2025-11-24T09:46:48.12+0000 [APP/PROC/WEB/0] ERR Error: boom\n2025-11-24T09:46:50.12+0000 [APP/PROC/WEB/0] OUT new app line\n',
    )
    const json = await runCli(['logs', 'myapp', '--recent', '--exclude', '^GET', '--type', 'out', '--json'], {
      CF_HOME: f.home.dir,
    })
    assert.deepEqual(
      json.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as {message: string}).message),
      ['old app line', 'new app line'],
    )
  })

  for (const flag of ['--include', '--exclude', '--highlight']) {
    it(`refuses a bad ${flag} pattern with exit 2 before anything connects`, async () => {
      const result = await runCli(['logs', 'myapp', flag, 'a(b'], {CF_HOME: f.home.dir})
      assert.equal(result.code, 2)
      assert.equal(result.stdout, '')
      assert.equal(
        result.stderr,
        `cfws: Invalid regular expression in ${flag} 'a(b': /a(b/: Unterminated group\nhint: Use a JavaScript regular expression, e.g. ${flag} "timeout|refused"; quote it for the shell.\n`,
      )
      assert.equal(f.cc.requests.length, 0)
    })
  }

  it("says that a --source type or an --instance is not Cloud Foundry's, then streams; --quiet silences it", async () => {
    const loud = start(['--source', 'RTE', '--instance', '0,web'])
    await f.tc.nextClient()
    await loud.waitForStderr(/tailing myapp/)
    loud.child.kill('SIGINT')
    const said = await loud.result()
    assert.equal(said.code, 130)
    assert.equal(
      said.stderr,
      "cfws: --source 'RTE': not one of Cloud Foundry's source types (API, APP, CELL, LGR, RTR, SSH, STG); only lines of a source of that name will print\n" +
        "cfws: --instance 'web': Cloud Foundry numbers instances (0, 1, 2…); only lines of an instance of that name will print\n" +
        'cfws: tailing myapp in acme/dev (Ctrl-C to stop)\n',
    )
    const quiet = start(['--source', 'RTE', '--instance', 'web', '--quiet'])
    await f.tc.nextClient()
    quiet.child.kill('SIGINT')
    const silent = await quiet.result()
    assert.equal(silent.code, 130)
    assert.equal(silent.stderr, '')
  })

  it('refuses an unknown --type with exit 2', async () => {
    const result = await runCli(['logs', 'myapp', '--type=WARN'], {CF_HOME: f.home.dir})
    assert.equal(result.code, 2)
    assert.equal(result.stderr, "cfws: --type takes one of out, err, not 'WARN'\nhint: See 'cfws logs --help'.\n")
  })
})
