import {strict as assert} from 'node:assert'

import {logEnvelope, T0} from '../helpers/envelopes.js'
import {FakeLogCache, v2Log} from '../helpers/fake-cloud-controller.js'
import {TAILING_MYAPP, useFakeFoundation} from '../helpers/fake-foundation.js'
import {CliProcess} from '../helpers/run-cli.js'

const S = 1_000_000_000n
const at = (second: number, text: string, options = {}) =>
  logEnvelope(text, {timestamp: T0 + BigInt(second) * S, ...options})
const line = (second: number, text: string, type = 'OUT') =>
  `2025-11-24T09:46:${47 + second}.12+0000 [APP/PROC/WEB/0] ${type} ${text}`

describe('cfws logs --tail / --since without --recent: history, then follow (end to end)', () => {
  const f = useFakeFoundation()

  const start = (args: string[]) => new CliProcess(['logs', 'myapp', ...args], {CF_HOME: f.home.dir})

  /** Log Cache that answers only when told: the live lines of the seam arrive while history is read. */
  function slowLogCache(envelopes: Array<Record<string, unknown>>): () => void {
    let answer!: () => void
    f.cc.logCache = new FakeLogCache(envelopes)
    f.cc.logCache.answering = new Promise((resolve) => (answer = resolve))
    return answer
  }

  it('prints the last N lines, then the live ones, with no gap and no duplicate at the seam', async () => {
    const answer = slowLogCache([v2Log(T0, 'a'), v2Log(T0 + S, 'b'), v2Log(T0 + 2n * S, 'c'), v2Log(T0 + 3n * S, 'd')])
    const cli = start(['--tail', '3'])
    const client = await f.tc.nextClient()
    await f.cc.waitForRequest((request) => request.path.startsWith('/api/v1/read/'))
    // Logged around the moment the stream opened: in the history and on the stream both.
    client.send(at(2, 'c'))
    client.send(at(3, 'd'))
    client.send(at(4, 'e'))
    answer()
    client.send(at(5, 'f'))
    const lines = await cli.waitForStdoutLines(5)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.deepEqual(lines, [line(1, 'b'), line(2, 'c'), line(3, 'd'), line(4, 'e'), line(5, 'f')])
    assert.equal(result.stdout.split('\n').length - 1, 5, 'no line twice')
    assert.equal(result.stderr, TAILING_MYAPP)
    assert.equal(f.cc.logCache!.reads[0].get('limit'), '3')
    assert.equal(f.tc.upgrades.length, 1)
  })

  it('skips the stream’s copy of a history line that comes after another instance’s newer line', async () => {
    const answer = slowLogCache([v2Log(T0 + S, 'b'), v2Log(T0 + 2n * S, 'c'), v2Log(T0 + 3n * S, 'd')])
    const cli = start(['--tail', '3'])
    const client = await f.tc.nextClient()
    await f.cc.waitForRequest((request) => request.path.startsWith('/api/v1/read/'))
    // Instances' lines reach the stream through different agents: out of timestamp order.
    client.send(at(2, 'c'))
    client.send(at(4, 'e', {sourceInstance: '1'}))
    client.send(at(3, 'd'))
    answer()
    client.send(at(5, 'f'))
    const lines = await cli.waitForStdoutLines(5)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    const ofInstance1 = line(4, 'e').replace('[APP/PROC/WEB/0]', '[APP/PROC/WEB/1]')
    assert.deepEqual(lines, [line(1, 'b'), line(2, 'c'), line(3, 'd'), ofInstance1, line(5, 'f')])
    assert.equal(result.stdout.split('\n').length - 1, 5, 'no line twice')
  })

  it('prints only the last N when more than N were logged while history was read, in order', async () => {
    const ms = (tenths: number) => T0 + 2n * S + BigInt(tenths) * 100_000_000n
    const logged = Array.from({length: 10}, (_, i) => i + 1)
    const answer = slowLogCache([v2Log(T0, 'a'), ...logged.map((i) => v2Log(ms(i), `L${i}`))])
    const cli = start(['--tail', '3'])
    const client = await f.tc.nextClient()
    await f.cc.waitForRequest((request) => request.path.startsWith('/api/v1/read/'))
    for (const i of logged) client.send(logEnvelope(`L${i}`, {timestamp: ms(i)}))
    // The stream's lines are held, not printed, until the history is: the last one shows they came.
    client.send(at(4, 'after'))
    answer()
    const lines = await cli.waitForStdoutLines(4)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.deepEqual(lines, [
      '2025-11-24T09:46:49.92+0000 [APP/PROC/WEB/0] OUT L8',
      '2025-11-24T09:46:50.02+0000 [APP/PROC/WEB/0] OUT L9',
      '2025-11-24T09:46:50.12+0000 [APP/PROC/WEB/0] OUT L10',
      line(4, 'after'),
    ])
    assert.equal(result.stdout.split('\n').length - 1, 4, 'nothing older than the tail after it')
  })

  it('prints the history since a time in JSON, through the filters, and counts it for --max-lines', async () => {
    const answer = slowLogCache([
      v2Log(T0, 'too old'),
      v2Log(T0 + S, 'b'),
      v2Log(T0 + 2n * S, 'GET / 200', {sourceType: 'RTR', instance: '1'}),
      v2Log(T0 + 3n * S, 'd'),
    ])
    const cli = start(['--since', '2025-11-24T09:46:48Z', '--source', 'APP', '--json', '--max-lines', '3'])
    const client = await f.tc.nextClient()
    await f.cc.waitForRequest((request) => request.path.startsWith('/api/v1/read/'))
    client.send(at(3, 'd'))
    client.send(at(4, 'GET /x 200', {sourceType: 'RTR', sourceInstance: '1'}))
    client.send(at(5, 'e'))
    client.send(at(6, 'past --max-lines'))
    answer()
    const result = await cli.result()
    assert.equal(result.code, 0)
    assert.deepEqual(
      result.stdout
        .trim()
        .split('\n')
        .map((text) => (JSON.parse(text) as {message: string}).message),
      ['b', 'd', 'e'],
    )
    assert.equal(f.cc.logCache!.reads[0].get('start_time'), '1763977608000000000')
  })

  it('says that Log Cache is slow to give the history, which the live lines wait for', async () => {
    const answer = slowLogCache([v2Log(T0, 'a')])
    const cli = start(['--tail', '1'])
    const client = await f.tc.nextClient()
    client.send(at(1, 'b'))
    await cli.waitForStderr(/the live lines wait for it\n/)
    answer()
    assert.deepEqual(await cli.waitForStdoutLines(2), [line(0, 'a'), line(1, 'b')])
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(
      result.stderr,
      `${TAILING_MYAPP}cfws: Log Cache has taken 5s so far to give the history; the live lines wait for it\n`,
    )
  })

  it('reads no history with --tail 0, as kubectl, and follows the live stream', async () => {
    f.cc.logCache = new FakeLogCache([v2Log(T0, 'a')])
    const cli = start(['--tail', '0'])
    ;(await f.tc.nextClient()).send(at(1, 'b'))
    assert.deepEqual(await cli.waitForStdoutLines(1), [line(1, 'b')])
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.stderr, TAILING_MYAPP)
    assert.equal(f.cc.logCache.reads.length, 0)
  })

  it('says so and follows the live stream on a foundation without Log Cache', async () => {
    const cli = start(['--tail', '50'])
    ;(await f.tc.nextClient()).send(at(0, 'live'))
    assert.deepEqual(await cli.waitForStdoutLines(1), [line(0, 'live')])
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.stderr, `${TAILING_MYAPP}cfws: this foundation has no Log Cache: no history, live lines only\n`)
  })

  it('says a failing Log Cache and follows the live stream', async () => {
    f.cc.logCache = new FakeLogCache([v2Log(T0, 'a')])
    f.cc.logCache.acceptToken = () => false
    const cli = start(['--tail', '5'])
    ;(await f.tc.nextClient()).send(at(0, 'live'))
    assert.deepEqual(await cli.waitForStdoutLines(1), [line(0, 'live')])
    await cli.waitForStderr(/history/)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    assert.equal(
      result.stderr,
      `${TAILING_MYAPP}cfws: could not read the history from Log Cache: Log Cache answered 404: no access to this app's logs; live lines only\n`,
    )
  })

  it('says that the Cloud Controller could not tell where Log Cache is, not that there is none, and follows', async () => {
    f.cc.logCache = new FakeLogCache([v2Log(T0, 'a')])
    f.cc.rootAnswer = {status: 500, body: {errors: [{detail: 'database down'}]}}
    const cli = start(['--tail', '5'])
    ;(await f.tc.nextClient()).send(at(0, 'live'))
    assert.deepEqual(await cli.waitForStdoutLines(1), [line(0, 'live')])
    await cli.waitForStderr(/Log Cache/)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    assert.equal(
      result.stderr,
      `${TAILING_MYAPP}cfws: could not find Log Cache: The Cloud Controller answered 500 to GET /; live lines only\n`,
    )
  })

  it('says that a gap longer than the backfill reads lost its older lines, even with --quiet', async () => {
    f.cc.logCache = new FakeLogCache([])
    const cli = start(['--quiet'])
    const first = await f.tc.nextClient()
    first.send(at(0, 'a'))
    await cli.waitForStdoutLines(1)
    for (let i = 1; i <= 10_001; i++) f.cc.logCache.envelopes.push(v2Log(T0 + BigInt(i) * 1000n, `gap ${i}`))
    first.terminate()
    await f.tc.nextClient()
    const lines = await cli.waitForStdoutLines(10_001)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(lines[1].endsWith(' gap 2'), true, lines[1])
    assert.equal(lines.at(-1)!.endsWith(' gap 10001'), true)
    assert.equal(
      result.stderr,
      'cfws: backfilled 10000 lines from Log Cache, the newest 10000 of the gap: older lines logged while disconnected are missing\n',
    )
  })

  it('keeps backfilling after a reconnect, from the newest line printed', async () => {
    f.cc.logCache = new FakeLogCache([v2Log(T0, 'a'), v2Log(T0 + S, 'b')])
    const cli = start(['--tail', '1'])
    const first = await f.tc.nextClient()
    assert.deepEqual(await cli.waitForStdoutLines(1), [line(1, 'b')])
    f.cc.logCache.envelopes.push(v2Log(T0 + 2n * S, 'c'))
    first.terminate()
    ;(await f.tc.nextClient()).send(at(3, 'd'))
    assert.deepEqual(await cli.waitForStdoutLines(3), [line(1, 'b'), line(2, 'c'), line(3, 'd')])
    cli.child.kill('SIGINT')
    await cli.result()
    assert.equal(f.cc.logCache.reads[1].get('start_time'), (T0 + S).toString())
  })
})
