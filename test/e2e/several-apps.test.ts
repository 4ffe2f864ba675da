import {strict as assert} from 'node:assert'
import {once} from 'node:events'

import {logEnvelope, T0} from '../helpers/envelopes.js'
import {FakeLogCache, v2Log} from '../helpers/fake-cloud-controller.js'
import {useFakeFoundation} from '../helpers/fake-foundation.js'
import {CliProcess, runCli} from '../helpers/run-cli.js'
import {line, S} from '../helpers/timeline.js'

const WEB = '11111111-1111-4111-8111-111111111111'
const WORKER = '22222222-2222-4222-8222-222222222222'
const API = '33333333-3333-4333-8333-333333333333'
const streamOf = (guid: string): string => `/apps/${guid}/stream`
const at = (seconds: number, text: string, options = {}) =>
  logEnvelope(text, {timestamp: T0 + BigInt(Math.round(seconds * 1000)) * (S / 1000n), ...options})

describe('cfws logs with several apps (end to end)', () => {
  const f = useFakeFoundation()
  beforeEach(() => {
    f.cc.apps = {web: WEB, worker: WORKER}
  })

  const start = (args: string[], env: Record<string, string> = {}) =>
    new CliProcess(['logs', ...args], {CF_HOME: f.home.dir, ...env})

  it('merges the apps’ lines in timestamp order, each with its app’s name first', async () => {
    const cli = start(['web', 'worker'])
    const web = await f.tc.nextClientOf(streamOf(WEB))
    const worker = await f.tc.nextClientOf(streamOf(WORKER))
    // Each stream in its own order; the two interleaved, and sent in the worst order for a merge.
    web.send(at(2, 'web second'))
    web.send(at(4, 'web fourth'))
    worker.send(at(1, 'worker first'))
    worker.send(at(3, 'worker third'))
    assert.deepEqual(await cli.waitForStdoutLines(4), [
      `worker ${line(1, 'worker first')}`,
      `web ${line(2, 'web second')}`,
      `worker ${line(3, 'worker third')}`,
      `web ${line(4, 'web fourth')}`,
    ])
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    assert.equal(result.stderr, 'cfws: tailing web, worker in acme/dev (Ctrl-C to stop)\n')
    assert.deepEqual(f.tc.upgrades.map((upgrade) => upgrade.path).sort(), [streamOf(WEB), streamOf(WORKER)])
    assert.equal(
      f.cc.requests.filter((request) => request.path.startsWith('/v3/apps')).length,
      1,
      'both names in one request',
    )
  })

  it('prints in arrival order with --order-window 0', async () => {
    const cli = start(['web', 'worker', '--order-window', '0'])
    const web = await f.tc.nextClientOf(streamOf(WEB))
    const worker = await f.tc.nextClientOf(streamOf(WORKER))
    web.send(at(5, 'newer, first'))
    await cli.waitForStdoutLines(1)
    worker.send(at(1, 'older, later'))
    assert.deepEqual(await cli.waitForStdoutLines(2), [
      `web ${line(5, 'newer, first')}`,
      `worker ${line(1, 'older, later')}`,
    ])
    cli.child.kill('SIGINT')
    await cli.result()
  })

  it('writes every line received when stopped, also those still in the order window', async () => {
    const cli = start(['web', 'worker', '--order-window', '1h'])
    const web = await f.tc.nextClientOf(streamOf(WEB))
    const worker = await f.tc.nextClientOf(streamOf(WORKER))
    web.send(at(2, 'b'))
    worker.send(at(1, 'a'))
    // Nothing is printed within an hour; the server's echo of our ping says both frames were read.
    await Promise.all(
      [web, worker].map(async (client) => {
        client.ping()
        await once(client, 'pong')
      }),
    )
    cli.child.kill('SIGTERM')
    const result = await cli.result()
    assert.equal(result.code, 143)
    assert.equal(result.stdout, `worker ${line(1, 'a')}\nweb ${line(2, 'b')}\n`)
  })

  it('keeps tailing the other apps while one app’s stream drops and reconnects', async () => {
    const cli = start(['web', 'worker', '--order-window', '50ms'])
    const web = await f.tc.nextClientOf(streamOf(WEB))
    const worker = await f.tc.nextClientOf(streamOf(WORKER))
    web.send(at(1, 'web before'))
    await cli.waitForStdoutLines(1)
    web.terminate()
    worker.send(at(2, 'worker meanwhile'))
    await cli.waitForStdoutLines(2)
    const webAgain = await f.tc.nextClientOf(streamOf(WEB))
    webAgain.send(at(3, 'web after'))
    worker.send(at(4, 'worker after'))
    assert.deepEqual(await cli.waitForStdoutLines(4), [
      `web ${line(1, 'web before')}`,
      `worker ${line(2, 'worker meanwhile')}`,
      `web ${line(3, 'web after')}`,
      `worker ${line(4, 'worker after')}`,
    ])
    cli.child.kill('SIGINT')
    const result = await cli.result()
    // Each notice says which app's stream it is about.
    assert.match(
      result.stderr,
      /^cfws: tailing web, worker in acme\/dev \(Ctrl-C to stop\)\ncfws: web: connection lost \(.*\); reconnecting in \d+\.\ds \(attempt 1\)\ncfws: web: reconnected to ws:\/\/127\.0\.0\.1:\d+\ncfws: web: this foundation has no Log Cache: lines logged while disconnected may be missing\n$/,
    )
    assert.equal(
      f.tc.upgrades.filter((upgrade) => upgrade.path === streamOf(WORKER)).length,
      1,
      'the worker’s stream was never touched',
    )
  })

  it('follows --all as apps appear and disappear: + app, - app, and the gone app’s stream closed', async () => {
    f.cc.apps = {web: WEB}
    const cli = start(['--all', '--refresh-apps', '100ms', '--order-window', '50ms'])
    const web = await f.tc.nextClientOf(streamOf(WEB))
    await cli.waitForStderr(/tailing web in acme\/dev/)
    f.cc.apps = {web: WEB, worker: WORKER}
    const worker = await f.tc.nextClientOf(streamOf(WORKER))
    worker.send(at(1, 'worker is up'))
    web.send(at(2, 'web still here'))
    await cli.waitForStdoutLines(2)
    f.cc.apps = {worker: WORKER}
    const [code] = (await once(web, 'close')) as [number]
    worker.send(at(3, 'worker goes on'))
    assert.deepEqual(await cli.waitForStdoutLines(3), [
      `worker ${line(1, 'worker is up')}`,
      `web ${line(2, 'web still here')}`,
      `worker ${line(3, 'worker goes on')}`,
    ])
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(code, 1000, 'closed cleanly by cfws')
    assert.equal(result.stderr, 'cfws: tailing web in acme/dev (Ctrl-C to stop)\ncfws: + worker\ncfws: - web\n')
    assert.ok(
      f.cc.requests.every((request) => !request.path.startsWith('/v3/apps') || !request.path.includes('names=')),
      'the whole space is listed',
    )
  })

  it('looks Log Cache up once for all the apps of --all, and says nothing but its own lines with a dozen', async () => {
    const names = Array.from({length: 12}, (_, i) => `app${String(i).padStart(2, '0')}`)
    f.cc.apps = Object.fromEntries(
      names.map((name, i) => [name, `${String(i).padStart(8, '0')}-1111-4111-8111-111111111111`]),
    )
    f.cc.logCache = new FakeLogCache([])
    const reads = (): number => f.cc.requests.filter((request) => request.path.startsWith('/api/v1/read/')).length
    const cli = start(['--all', '--tail', '1'])
    // Every app's history read at once, each after its look for where Log Cache is.
    await f.cc.waitForRequest(() => reads() === names.length)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    assert.equal(result.stderr, `cfws: tailing ${names.join(', ')} in acme/dev (Ctrl-C to stop)\n`)
    assert.equal(f.cc.requests.filter((request) => request.path === '/').length, 1, 'one root document for all')
  })

  it('gives an app found later its --tail history, then its live lines, each line once', async () => {
    f.cc.apps = {web: WEB}
    f.cc.logCache = new FakeLogCache([
      v2Log(T0, 'web 0', {appGuid: WEB}),
      v2Log(T0 + S, 'web 1', {appGuid: WEB}),
      v2Log(T0 + S + S / 2n, 'worker past the tail', {appGuid: WORKER}),
      v2Log(T0 + 2n * S, 'worker 2', {appGuid: WORKER}),
      v2Log(T0 + 3n * S, 'worker 3', {appGuid: WORKER}),
    ])
    const cli = start(['--all', '--refresh-apps', '100ms', '--order-window', '50ms', '--tail', '2'])
    const web = await f.tc.nextClientOf(streamOf(WEB))
    assert.deepEqual(await cli.waitForStdoutLines(2), [`web ${line(0, 'web 0')}`, `web ${line(1, 'web 1')}`])
    web.send(at(4, 'web live'))
    await cli.waitForStdoutLines(3)
    // The worker's history waits on Log Cache while its stream brings lines, the seam's among them.
    let answer!: () => void
    f.cc.logCache.answering = new Promise((resolve) => (answer = resolve))
    f.cc.apps = {web: WEB, worker: WORKER}
    const worker = await f.tc.nextClientOf(streamOf(WORKER))
    worker.send(at(3, 'worker 3'))
    worker.send(at(5, 'worker live'))
    worker.ping()
    await once(worker, 'pong')
    answer()
    const lines = await cli.waitForStdoutLines(6)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.deepEqual(lines, [
      `web ${line(0, 'web 0')}`,
      `web ${line(1, 'web 1')}`,
      `web ${line(4, 'web live')}`,
      `worker ${line(2, 'worker 2')}`,
      `worker ${line(3, 'worker 3')}`,
      `worker ${line(5, 'worker live')}`,
    ])
    assert.equal(result.stdout, [...lines, ''].join('\n'), 'the seam’s line once')
    assert.equal(result.stderr, 'cfws: tailing web in acme/dev (Ctrl-C to stop)\ncfws: + worker\n')
    assert.deepEqual(
      f.cc.logCache.reads.map((read) => read.get('limit')),
      ['2', '2'],
      'one history read each',
    )
  })

  it('prints an app’s history once, not again when its stream ended on its own and starts anew', async () => {
    f.cc.apps = {web: WEB}
    f.cc.logCache = new FakeLogCache([v2Log(T0, 'web 0', {appGuid: WEB})])
    const cli = start(['--all', '--refresh-apps', '100ms', '--order-window', '10ms', '--tail', '1'])
    const web = await f.tc.nextClientOf(streamOf(WEB))
    assert.deepEqual(await cli.waitForStdoutLines(1), [`web ${line(0, 'web 0')}`])
    // Its logs refused (404) on the reconnect: that stream alone ends, and the next look starts it again.
    f.tc.refuseWith('404 Not Found')
    web.terminate()
    await cli.waitForStderr(/- web: .*; looking again in 0\.1s/)
    f.tc.answer = () => undefined
    const webAgain = await f.tc.nextClientOf(streamOf(WEB))
    webAgain.send(at(1, 'web live'))
    assert.deepEqual(await cli.waitForStdoutLines(2), [`web ${line(0, 'web 0')}`, `web ${line(1, 'web live')}`])
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.stdout, `web ${line(0, 'web 0')}\nweb ${line(1, 'web live')}\n`)
    assert.equal(f.cc.logCache.reads.length, 1, 'the history read once')
  })

  it('tails only the apps --app-regex matches, and waits for one when none does yet; --quiet says nothing', async () => {
    f.cc.apps = {web: WEB, worker: WORKER}
    const cli = start(['--app-regex', '^api', '--refresh-apps', '100ms'])
    await cli.waitForStderr(/looking again/)
    f.cc.apps = {web: WEB, worker: WORKER, 'api-orders': API}
    const api = await f.tc.nextClientOf(streamOf(API))
    api.send(at(1, 'order placed'))
    assert.deepEqual(await cli.waitForStdoutLines(1), [`api-orders ${line(1, 'order placed')}`])
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(
      result.stderr,
      'cfws: no app in acme/dev matches /^api/ yet; looking again every 0.1s (Ctrl-C to stop)\ncfws: + api-orders\ncfws: tailing api-orders in acme/dev (Ctrl-C to stop)\n',
    )
    assert.deepEqual(
      f.tc.upgrades.map((upgrade) => upgrade.path),
      [streamOf(API)],
    )

    const quiet = start(['--all', '--refresh-apps', '100ms', '--quiet'])
    await f.tc.nextClientOf(streamOf(WEB))
    const worker = await f.tc.nextClientOf(streamOf(API))
    f.cc.apps = {web: WEB, worker: WORKER}
    await once(worker, 'close')
    await f.tc.nextClientOf(streamOf(WORKER))
    quiet.child.kill('SIGINT')
    assert.equal((await quiet.result()).stderr, '', 'no start notice, no + app, no - app')
  })

  it('names every unknown app in one line and exits 5 before any stream starts', async () => {
    const result = await runCli(['logs', 'web', 'nope', 'worker', 'zilch'], {CF_HOME: f.home.dir})
    assert.deepEqual(result, {
      code: 5,
      signal: null,
      stdout: '',
      stderr:
        "cfws: Apps 'nope', 'zilch' not found in space dev of org acme\nhint: Check the names with 'cf apps', or target another space with 'cf target -s SPACE'.\n",
    })
    assert.deepEqual(f.tc.upgrades, [])
  })

  it('carries each line’s app in JSON, with no prefix', async () => {
    const cli = start(['web', 'worker', '--json'])
    ;(await f.tc.nextClientOf(streamOf(WEB))).send(at(2, 'w'))
    ;(await f.tc.nextClientOf(streamOf(WORKER))).send(at(1, 'k'))
    const lines = await cli.waitForStdoutLines(2)
    cli.child.kill('SIGINT')
    await cli.result()
    assert.deepEqual(
      lines
        .map((text) => JSON.parse(text) as {app: string; message: string})
        .map(({app, message}) => `${app}: ${message}`),
      ['worker: k', 'web: w'],
    )
    assert.equal(
      lines[0],
      '{"timestamp":"2025-11-24T09:46:48.123456789Z","app":"worker","source_type":"APP/PROC/WEB","source_instance":"0","message_type":"OUT","message":"k"}',
    )
  })

  it('colours each app’s name when there is colour, the same colour every run', async () => {
    const cli = start(['web', 'worker', '--color'])
    ;(await f.tc.nextClientOf(streamOf(WEB))).send(at(1, 'w'))
    ;(await f.tc.nextClientOf(streamOf(WORKER))).send(at(2, 'boom', {messageType: 2}))
    const lines = await cli.waitForStdoutLines(2)
    cli.child.kill('SIGINT')
    await cli.result()
    // chalk's level 1 (no TERM): web and worker in two of the 16-colour palette, then the ERR line's red.
    assert.ok(lines[0].startsWith('\u001B[3'), JSON.stringify(lines[0]))
    assert.match(lines[0], /^\u001B\[\d+mweb\u001B\[39m 2025/)
    assert.match(lines[1], /^\u001B\[\d+mworker\u001B\[39m \u001B\[31m2025/)
    assert.notEqual(lines[0].slice(0, 5), lines[1].slice(0, 5), 'two apps, two colours')
  })

  it('prints each app’s history merged in timestamp order, then the live lines (--tail per app)', async () => {
    f.cc.logCache = new FakeLogCache([
      v2Log(T0, 'web old', {appGuid: WEB}),
      v2Log(T0 + S, 'web 1', {appGuid: WEB}),
      v2Log(T0 + 3n * S, 'web 3', {appGuid: WEB}),
      v2Log(T0 + 2n * S, 'worker 2', {appGuid: WORKER}),
      v2Log(T0 + 4n * S, 'worker 4', {appGuid: WORKER}),
    ])
    const cli = start(['web', 'worker', '--tail', '2'])
    const web = await f.tc.nextClientOf(streamOf(WEB))
    const worker = await f.tc.nextClientOf(streamOf(WORKER))
    web.send(at(5, 'web live'))
    worker.send(at(3, 'worker 4 seam', {timestamp: T0 + 4n * S, message: Buffer.from('worker 4')}))
    worker.send(at(6, 'worker live'))
    const lines = await cli.waitForStdoutLines(6)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.deepEqual(lines, [
      `web ${line(1, 'web 1')}`,
      `worker ${line(2, 'worker 2')}`,
      `web ${line(3, 'web 3')}`,
      `worker ${line(4, 'worker 4')}`,
      `web ${line(5, 'web live')}`,
      `worker ${line(6, 'worker live')}`,
    ])
    assert.equal(result.stdout.split('\n').length - 1, 6, 'the seam’s line once')
  })

  it('merges a long history whole, past what the window holds for live lines', async () => {
    // 1,500 lines of each app, interleaved a millisecond apart: some 500 kB, where live lines get 256 KiB.
    const ms = S / 1000n
    f.cc.logCache = new FakeLogCache(
      Array.from({length: 3000}, (_, i) =>
        v2Log(T0 + BigInt(i) * ms, `${String(i).padStart(4, '0')} ${'x'.repeat(100)}`, {
          appGuid: i % 2 === 0 ? WEB : WORKER,
        }),
      ),
    )
    const cli = start(['web', 'worker', '--tail', '1500', '--timestamps', 'none'])
    await f.tc.nextClientOf(streamOf(WEB))
    await f.tc.nextClientOf(streamOf(WORKER))
    const lines = await cli.waitForStdoutLines(3000)
    cli.child.kill('SIGINT')
    await cli.result()
    const numbers = lines.map((text) => Number(/OUT (\d{4}) /.exec(text)![1]))
    assert.deepEqual(
      numbers,
      Array.from({length: 3000}, (_, i) => i),
    )
    assert.ok(
      lines[0].startsWith('web [APP/PROC/WEB/0] OUT 0000 ') && lines[1].startsWith('worker [APP/PROC/WEB/0] OUT 0001 '),
    )
  })

  it('keeps what the apps’ streams hold during their history reads within one --buffer-size', async () => {
    let answer!: () => void
    f.cc.logCache = new FakeLogCache([v2Log(T0, 'old', {appGuid: WEB}), v2Log(T0, 'old', {appGuid: WORKER})])
    f.cc.logCache.answering = new Promise((resolve) => (answer = resolve))
    const cli = start(['web', 'worker', '--tail', '1', '--buffer-size', '64KiB', '--order-window', '0'])
    const web = await f.tc.nextClientOf(streamOf(WEB))
    const worker = await f.tc.nextClientOf(streamOf(WORKER))
    // 40 KiB on each while both wait for Log Cache: either alone fits in 64 KiB, both do not.
    const text = 'y'.repeat(1000)
    for (let i = 0; i < 40; i++) {
      web.send(at(1 + i / 100, `web ${text}`))
      worker.send(at(1 + i / 100, `worker ${text}`))
    }

    await Promise.all(
      [web, worker].map(async (client) => {
        client.ping()
        await once(client, 'pong')
      }),
    )
    answer()
    await cli.waitForStderr(/dropped \d+ lines received while the gap was backfilled/)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.ok(result.stdout.split('\n').length - 1 < 82, 'some of the 80 live lines were dropped')
  })

  it('prints --recent of several apps merged in timestamp order, --lines per app, and exits 0', async () => {
    f.cc.logCache = new FakeLogCache([
      v2Log(T0, 'web 0', {appGuid: WEB}),
      v2Log(T0 + 2n * S, 'web 2', {appGuid: WEB}),
      v2Log(T0 + S, 'worker 1', {appGuid: WORKER}),
      v2Log(T0 + 3n * S, 'worker 3', {appGuid: WORKER}),
      v2Log(T0 + 4n * S, 'worker 4', {appGuid: WORKER}),
    ])
    const result = await runCli(['logs', 'worker', 'web', '--recent', '--lines', '2'], {CF_HOME: f.home.dir})
    assert.deepEqual(result, {
      code: 0,
      signal: null,
      stderr: '',
      stdout: [
        `web ${line(0, 'web 0')}`,
        `web ${line(2, 'web 2')}`,
        `worker ${line(3, 'worker 3')}`,
        `worker ${line(4, 'worker 4')}`,
        '',
      ].join('\n'),
    })
  })

  it('says when --recent of --app-regex finds no app, and exits 0 with nothing on stdout; --quiet says nothing', async () => {
    f.cc.apps = {web: WEB, worker: WORKER}
    f.cc.logCache = new FakeLogCache([])
    const result = await runCli(['logs', '--app-regex', '^api', '--recent'], {CF_HOME: f.home.dir})
    assert.deepEqual(result, {code: 0, signal: null, stderr: 'cfws: no app in acme/dev matches /^api/\n', stdout: ''})
    const quiet = await runCli(['logs', '--app-regex', '^api', '--recent', '-q'], {CF_HOME: f.home.dir})
    assert.deepEqual(quiet, {code: 0, signal: null, stderr: '', stdout: ''})
  })

  it('shares one --max-lines budget between the apps', async () => {
    const cli = start(['web', 'worker', '--max-lines', '3', '--order-window', '0'])
    const web = await f.tc.nextClientOf(streamOf(WEB))
    const worker = await f.tc.nextClientOf(streamOf(WORKER))
    web.send(at(1, 'one'))
    await cli.waitForStdoutLines(1)
    worker.send(at(2, 'two'))
    await cli.waitForStdoutLines(2)
    web.send(at(3, 'three'))
    web.send(at(4, 'past the budget'))
    const result = await cli.result()
    assert.equal(result.code, 0)
    assert.equal(
      result.stdout,
      [`web ${line(1, 'one')}`, `worker ${line(2, 'two')}`, `web ${line(3, 'three')}`, ''].join('\n'),
    )
  })
})
