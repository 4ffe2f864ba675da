import {strict as assert} from 'node:assert'

import {readRecentLogs} from '../../../src/logcache/read-logs.js'
import {logMessageFromV2} from '../../../src/logcache/v2-envelope.js'
import {APP_GUID} from '../../helpers/envelopes.js'
import {FakeCloudController, FakeLogCache, v2Log} from '../../helpers/fake-cloud-controller.js'

const T = 1_764_000_000_000_000_000n

describe('readRecentLogs', () => {
  let server: FakeCloudController
  let refreshes: number
  beforeEach(async () => {
    server = await FakeCloudController.start()
    refreshes = 0
  })
  afterEach(async () => server.close())

  function read(logCache: FakeLogCache, options: {maxMessages?: number; startTimeNs?: bigint} = {}): ReturnType<typeof readRecentLogs> {
    server.logCache = logCache
    return readRecentLogs({
      baseUrl: server.url,
      appGuid: APP_GUID,
      tokens: {validToken: async () => `bearer t${refreshes}`, refresh: async () => `bearer t${++refreshes}`},
      verifyTls: true,
      maxMessages: options.maxMessages ?? 1000,
      startTimeNs: options.startTimeNs,
    })
  }

  const text = (logs: Awaited<ReturnType<typeof readRecentLogs>>): string[] => logs.map((log) => Buffer.from(log.message!).toString())

  it('pages back past 1000 over 2,500 messages stored out of order and returns them oldest first', async () => {
    const envelopes = Array.from({length: 2500}, (_, i) => v2Log(T + BigInt(i) * 1000n, `m${i}`))
    envelopes.sort(() => Math.random() - 0.5)
    const logCache = new FakeLogCache(envelopes)
    const logs = await read(logCache, {maxMessages: 2400})
    assert.equal(logs.length, 2400)
    assert.deepEqual(text(logs).slice(0, 2), ['m100', 'm101'])
    assert.equal(text(logs).at(-1), 'm2499')
    assert.ok(logs.every((log, i) => i === 0 || log.timestamp! > logs[i - 1].timestamp!))
    assert.deepEqual(logCache.reads.map((q) => q.get('limit')), ['1000', '1000', '402'], 'the last page asks again for the message at its end_time')
    assert.equal(logCache.reads[1].get('end_time'), (T + 1500n * 1000n).toString())
    assert.equal(logCache.reads[0].get('descending'), 'true')
    assert.equal(logCache.reads[0].get('envelope_types'), 'LOG')
  })

  it('stops when the cache runs out, and keeps several messages of the same nanosecond once each, in order', async () => {
    const logs = await read(new FakeLogCache([v2Log(T, 'a'), v2Log(T, 'b'), v2Log(T + 1n, 'c')]))
    assert.deepEqual(text(logs), ['a', 'b', 'c'])
  })

  it('halves the page size on 429 and goes on', async () => {
    const logCache = new FakeLogCache([v2Log(T, 'only')])
    logCache.throttleTimes = 2
    assert.deepEqual(text(await read(logCache)), ['only'])
    assert.deepEqual(logCache.reads.map((q) => q.get('limit')), ['1000', '500', '250', '250'])
  })

  it('reads snake_case and camelCase envelopes alike, with ERR by name or number', () => {
    const snake = logMessageFromV2(v2Log(T, 'x', {type: 'ERR', instance: '2'}))
    const camel = logMessageFromV2(v2Log(T, 'x', {type: 'ERR', instance: '2', camelCase: true}))
    assert.deepEqual(snake, camel)
    assert.equal(snake!.messageType, 2)
    assert.equal(snake!.sourceInstance, '2')
    assert.equal(logMessageFromV2({timestamp: '1', log: {payload: '', type: 1}})!.messageType, 2)
    assert.equal(logMessageFromV2({timestamp: '1', gauge: {}}), undefined)
  })

  it('passes --since as start_time', async () => {
    const logCache = new FakeLogCache([v2Log(T, 'old'), v2Log(T + 10n, 'new')])
    assert.deepEqual(text(await read(logCache, {startTimeNs: T + 5n})), ['new'])
    assert.equal(logCache.reads[0].get('start_time'), (T + 5n).toString())
  })

  it('refreshes once on the 404 Log Cache gives for a missing token, then works', async () => {
    const logCache = new FakeLogCache([v2Log(T, 'ok')])
    logCache.acceptToken = (authorization) => authorization === 'bearer t1'
    assert.deepEqual(text(await read(logCache)), ['ok'])
  })

  it('says the user may lack access (exit 4) when the 404 stays after a refresh', async () => {
    const logCache = new FakeLogCache([])
    logCache.acceptToken = () => false
    await assert.rejects(read(logCache), {code: 'LOG_CACHE_NOT_VISIBLE', exitCode: 4})
    assert.equal(refreshes, 1)
  })
})
