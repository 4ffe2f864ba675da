import {strict as assert} from 'node:assert'

import {encodeEnvelope} from '../../src/envelope/encode.js'
import {logEnvelope, T0} from '../helpers/envelopes.js'
import {FakeLogCache, v2Log} from '../helpers/fake-cloud-controller.js'
import {useFakeFoundation} from '../helpers/fake-foundation.js'
import {CliProcess, runCli, USER_AGENT} from '../helpers/run-cli.js'

const S = 1_000_000_000n

describe('cfws logs --recent (end to end)', () => {
  const f = useFakeFoundation()

  const recent = (args: string[] = [], env: Record<string, string> = {}) =>
    runCli(['logs', 'myapp', '--recent', ...args], {CF_HOME: f.home.dir, ...env})

  describe('from Log Cache', () => {
    beforeEach(() => {
      f.cc.logCache = new FakeLogCache([
        v2Log(T0 + 2n * S, 'GET / 200', {sourceType: 'RTR', instance: '1'}),
        v2Log(T0, 'Listening on port 8080\n'),
        v2Log(T0 + S, 'Error: boom\n    at main', {type: 'ERR', camelCase: true}),
      ])
    })

    it('prints the recent lines oldest first in the streamed format and exits 0', async () => {
      const result = await recent()
      assert.equal(result.code, 0)
      assert.equal(result.stderr, '')
      assert.equal(
        result.stdout,
        [
          '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT Listening on port 8080',
          '2025-11-24T09:46:48.12+0000 [APP/PROC/WEB/0] ERR Error: boom',
          '2025-11-24T09:46:48.12+0000 [APP/PROC/WEB/0] ERR     at main',
          '2025-11-24T09:46:49.12+0000 [RTR/1] OUT GET / 200',
          '',
        ].join('\n'),
      )
      assert.equal(f.tc.requests.length + f.tc.upgrades.length, 0, 'the Traffic Controller is not asked')
      assert.ok(
        f.cc.requests.some((request) => request.path.startsWith('/api/v1/read/')),
        'Log Cache was read',
      )
      assert.deepEqual([...new Set(f.cc.requests.map((request) => request.userAgent))], [USER_AGENT])
    })

    it('writes the same JSON objects as the stream with --json', async () => {
      const result = await recent(['--json', '--lines', '1'])
      assert.equal(
        result.stdout,
        '{"timestamp":"2025-11-24T09:46:49.123456789Z","app":"myapp","source_type":"RTR","source_instance":"1","message_type":"OUT","message":"GET / 200"}\n',
      )
    })

    it('keeps only messages since an RFC 3339 time', async () => {
      const result = await recent(['--since', '2025-11-24T09:46:48Z'])
      assert.equal(result.stdout.split('\n').length - 1, 3)
      assert.equal(f.cc.logCache!.reads[0].get('start_time'), '1763977608000000000')
    })

    it('says a full disk in one line and exits 1, though the lines fit in one write', async () => {
      const cli = new CliProcess(['logs', 'myapp', '--recent'], {CF_HOME: f.home.dir}, {stdoutTo: '/dev/full'})
      const {code, stderr} = await cli.result()
      assert.equal(
        stderr,
        'cfws: Cannot write to stdout (ENOSPC): stopped\nhint: The device stdout goes to is full: free some space, or send the output elsewhere.\n',
      )
      assert.equal(code, 1)
    })

    it('says which source answered with CFWS_DEBUG=1', async () => {
      const result = await recent([], {CFWS_DEBUG: '1'})
      assert.match(result.stderr, new RegExp(`recent logs from Log Cache at ${f.cc.url}`))
    })

    it('exits 4 with a hint when Log Cache keeps answering 404 after a refresh', async () => {
      f.cc.logCache!.acceptToken = () => false
      const result = await recent()
      assert.equal(result.code, 4)
      assert.match(result.stderr, /^cfws: Log Cache answered 404: no access to this app's logs\nhint: /)
      assert.equal(f.cc.requests.filter((r) => r.path === '/oauth/token').length, 1)
    })
  })

  it('uses the config’s LogCacheEndPoint when the root document advertises none', async () => {
    f.login({LogCacheEndPoint: f.cc.url})
    f.cc.logCache = new FakeLogCache([v2Log(T0, 'from config')])
    f.cc.advertiseLogCache = false
    const result = await recent()
    assert.equal(result.stdout, '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT from config\n')
    assert.equal(f.cc.logCache.reads.length, 2, 'a second page finds nothing new and ends the paging')
  })

  it('says a failing root document (exit 6) instead of asking the Traffic Controller, or uses the config’s LogCacheEndPoint', async () => {
    f.cc.logCache = new FakeLogCache([v2Log(T0, 'from config')])
    f.cc.rootAnswer = {status: 502, body: {}}
    const failed = await recent()
    assert.equal(failed.code, 6)
    assert.match(failed.stderr, /^cfws: The Cloud Controller answered 502 to GET \/\n/)
    assert.equal(f.tc.requests.length, 0, 'the Traffic Controller is not asked')
    f.login({LogCacheEndPoint: f.cc.url})
    const result = await recent()
    assert.equal(result.stdout, '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT from config\n')
  })

  it('exits 6 when the Log Cache it was told of is unreachable, without falling back', async () => {
    f.login({LogCacheEndPoint: 'http://127.0.0.1:1'})
    const result = await recent()
    assert.equal(result.code, 6)
    assert.match(result.stderr, /^cfws: Connection refused by Log Cache at 127\.0\.0\.1:1\n/)
    assert.equal(f.tc.requests.length, 0, 'the Traffic Controller is not asked')
  })

  describe('from the Traffic Controller on foundations without Log Cache', () => {
    const boundary = 'a1b2c3'
    function multipart(parts: Uint8Array[], options: {final?: boolean} = {}): Buffer {
      const chunks: Buffer[] = [Buffer.from('preamble\r\n')]
      for (const part of parts)
        chunks.push(Buffer.from(`--${boundary}\r\n\r\n`), Buffer.from(part), Buffer.from('\r\n'))
      if (options.final !== false) chunks.push(Buffer.from(`--${boundary}--\r\n`))
      return Buffer.concat(chunks)
    }

    it('reads recentlogs (newest first, an empty part, a bad part, no final boundary) and prints oldest first', async () => {
      f.tc.recentLogs = {
        contentType: `multipart/x-protobuf; boundary=${boundary}`,
        body: multipart(
          [
            logEnvelope('third', {timestamp: T0 + 2n * S}),
            new Uint8Array(),
            Buffer.from([0x0a, 0xff]),
            logEnvelope('second', {timestamp: T0 + S}),
            logEnvelope('first'),
          ],
          {final: false},
        ),
      }
      const result = await recent(['--lines', '2'])
      assert.equal(result.code, 0)
      assert.equal(
        result.stdout,
        '2025-11-24T09:46:48.12+0000 [APP/PROC/WEB/0] OUT second\n2025-11-24T09:46:49.12+0000 [APP/PROC/WEB/0] OUT third\n',
      )
      assert.equal(result.stderr, 'cfws: skipped 1 parts of the recent logs that were not dropsonde envelopes\n')
      assert.match(f.tc.requests[0].path, /^\/apps\/[\w-]+\/recentlogs$/)
      assert.match(f.tc.requests[0].authorization ?? '', /^bearer /)
    })

    it('says clearly when the answer has no multipart boundary (exit 6)', async () => {
      f.tc.recentLogs = {contentType: 'text/plain', body: Buffer.from('hello')}
      const result = await recent()
      assert.equal(result.code, 6)
      assert.match(
        result.stderr,
        /^cfws: The Traffic Controller answered recentlogs with text\/plain, not multipart with a boundary\n/,
      )
    })

    it('says the Traffic Controller stopped serving recent logs when it routes no recentlogs (exit 6)', async () => {
      f.tc.recentLogs = {
        status: 404,
        contentType: 'text/plain; charset=utf-8',
        body: Buffer.from('404 page not found\n'),
      }
      const result = await recent()
      assert.equal(result.code, 6)
      assert.match(
        result.stderr,
        /^cfws: This Traffic Controller stopped serving recent logs in 2022, and the foundation advertises no Log Cache\nhint: .*Log Cache/,
      )
    })

    it('ignores an encodable envelope that is not a log', async () => {
      f.tc.recentLogs = {
        contentType: `multipart/x-protobuf; boundary=${boundary}`,
        body: multipart([
          encodeEnvelope({origin: 'rep', eventType: 9, containerMetric: {instanceIndex: 0}}),
          logEnvelope('only log'),
        ]),
      }
      const result = await recent()
      assert.equal(result.stdout, '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT only log\n')
    })
  })

  describe('usage errors (exit 2)', () => {
    it('for a bad --since, naming the accepted forms', async () => {
      const result = await recent(['--since', 'yesterday'])
      assert.equal(result.code, 2)
      assert.equal(
        result.stderr,
        "cfws: Invalid --since 'yesterday'\nhint: Use a duration back from now (90s, 10m, 1h30m, 2d) or an RFC 3339 time (2026-11-24T09:00:00Z).\n",
      )
    })
  })
})
