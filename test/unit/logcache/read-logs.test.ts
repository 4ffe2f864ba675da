import {strict as assert} from 'node:assert'
import {once} from 'node:events'
import {createServer, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import nock from 'nock'

import {seeded} from '../../../src/demo/seeded-random.js'
import {readRecentLogs} from '../../../src/logcache/read-logs.js'
import type {LogMessage} from '../../../src/envelope/types.js'
import {logMessageFromV2} from '../../../src/logcache/v2-envelope.js'
import {APP_GUID} from '../../helpers/envelopes.js'
import {streamForever} from '../../helpers/runaway-body.js'
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

  function read(
    logCache: FakeLogCache,
    options: {
      maxMessages?: number
      startTimeNs?: bigint
      onPage?: (pages: number, kept: number) => void
      accept?: (log: LogMessage) => boolean
    } = {},
  ): ReturnType<typeof readRecentLogs> {
    server.logCache = logCache
    return readRecentLogs({
      baseUrl: server.url,
      appGuid: APP_GUID,
      tokens: {validToken: async () => `bearer t${refreshes}`, refresh: async () => `bearer t${++refreshes}`},
      verifyTls: true,
      maxMessages: options.maxMessages ?? 1000,
      startTimeNs: options.startTimeNs,
      onPage: options.onPage,
      accept: options.accept,
    })
  }

  const text = (logs: Awaited<ReturnType<typeof readRecentLogs>>): string[] =>
    logs.map((log) => Buffer.from(log.message!).toString())

  it('pages back past 1000 over 2,500 messages stored out of order and returns them oldest first', async () => {
    const envelopes = Array.from({length: 2500}, (_, i) => v2Log(T + BigInt(i) * 1000n, `m${i}`))
    // Seeded: a failure repeats with the same order.
    const random = seeded(2500)
    envelopes.sort(() => random() - 0.5)
    const logCache = new FakeLogCache(envelopes)
    const logs = await read(logCache, {maxMessages: 2400})
    assert.equal(logs.length, 2400)
    assert.deepEqual(text(logs).slice(0, 2), ['m100', 'm101'])
    assert.equal(text(logs).at(-1), 'm2499')
    assert.ok(logs.every((log, i) => i === 0 || log.timestamp! > logs[i - 1].timestamp!))
    assert.deepEqual(
      logCache.reads.map((q) => q.get('limit')),
      ['1000', '1000', '402'],
      'the last page asks again for the message at its end_time',
    )
    assert.equal(logCache.reads[1].get('end_time'), (T + 1500n * 1000n).toString())
    assert.equal(logCache.reads[0].get('descending'), 'true')
    assert.equal(logCache.reads[0].get('envelope_types'), 'LOG')
  })

  it('reads back in whole pages when filtered, however few messages are asked for', async () => {
    // Only the oldest of 2,000 matches: a page of one would see the boundary message again and stop.
    const logCache = new FakeLogCache(
      Array.from({length: 2000}, (_, i) => v2Log(T + BigInt(i), i === 0 ? 'boom' : `fine ${i}`)),
    )
    const logs = await read(logCache, {
      maxMessages: 1,
      accept: (log) => Buffer.from(log.message!).toString() === 'boom',
    })
    assert.deepEqual(text(logs), ['boom'])
    assert.deepEqual(
      logCache.reads.map((q) => q.get('limit')),
      ['1000', '1000', '1000'],
      'back to the oldest, a whole page each time',
    )
  })

  it('tells after each page how many pages were read and messages kept', async () => {
    const pages: Array<[number, number]> = []
    await read(new FakeLogCache(Array.from({length: 2500}, (_, i) => v2Log(T + BigInt(i) * 1000n, `m${i}`))), {
      maxMessages: 2400,
      onPage: (read, kept) => pages.push([read, kept]),
    })
    // A page after the first asks again for the message at its end_time: one fewer is new.
    assert.deepEqual(pages, [
      [1, 1000],
      [2, 1999],
      [3, 2400],
    ])
  })

  it('stops when the cache runs out, and keeps several messages of the same nanosecond once each, in order', async () => {
    const logs = await read(new FakeLogCache([v2Log(T, 'a'), v2Log(T, 'b'), v2Log(T + 1n, 'c')]))
    assert.deepEqual(text(logs), ['a', 'b', 'c'])
  })

  it('halves the page size on 429 and goes on', async () => {
    const logCache = new FakeLogCache([v2Log(T, 'only')])
    logCache.throttleTimes = 2
    assert.deepEqual(text(await read(logCache)), ['only'])
    assert.deepEqual(
      logCache.reads.map((q) => q.get('limit')),
      ['1000', '500', '250', '250'],
    )
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

  describe('against a Log Cache that misbehaves', () => {
    // Real sockets only: what is cut off must be cut off on the wire, not inside nock.
    before(() => nock.restore())
    after(() => nock.activate())

    let logCache: ScriptedLogCache | undefined
    afterEach(async () => logCache?.close())

    async function readFrom(
      answer: PageAnswer,
      options: {maxMessages: number; signal?: AbortSignal},
    ): ReturnType<typeof readRecentLogs> {
      logCache = await ScriptedLogCache.start(answer)
      return readRecentLogs({
        baseUrl: logCache.url,
        appGuid: APP_GUID,
        tokens: {validToken: async () => 'bearer t', refresh: async () => 'bearer t'},
        verifyTls: true,
        ...options,
      })
    }

    const timestamps = (logs: Awaited<ReturnType<typeof readRecentLogs>>): bigint[] => logs.map((log) => log.timestamp!)
    const limits = (): string[] => logCache!.reads.map((query) => query.get('limit')!)

    it('takes a page of 300,000 entries, far more than asked, without overflowing the stack', async () => {
      const count = 300_000
      // Newest first, as Log Cache answers with descending=true.
      const stored = Array.from({length: count}, (_, i) => entry(T + BigInt(count - 1 - i)))
      const logs = await readFrom(
        (query, response) => {
          if (!query.has('end_time')) return page(response, stored)
          const from = count - 1 - Number(BigInt(query.get('end_time')!) - T)
          page(response, stored.slice(from, from + Number(query.get('limit'))))
        },
        {maxMessages: count},
      )
      assert.equal(logs.length, count)
      assert.equal(logs[0].timestamp, T)
      assert.equal(logs.at(-1)!.timestamp, T + BigInt(count - 1))
      assert.ok(
        logs.every((log, i) => i === 0 || log.timestamp! > logs[i - 1].timestamp!),
        'oldest first, each once',
      )
      assert.equal(
        logCache!.reads[1].get('end_time'),
        (T + BigInt(count - 1000)).toString(),
        'the first page counts for the 1000 asked, no more',
      )
    })

    it('keeps only the newest of a page longer than asked, whatever its order', async () => {
      const logs = await readFrom(
        (_query, response) =>
          page(
            response,
            [3n, 9n, 1n, 7n, 5n].map((offset) => entry(T + offset)),
          ),
        {maxMessages: 2},
      )
      assert.deepEqual(timestamps(logs), [T + 7n, T + 9n])
      assert.deepEqual(limits(), ['2'])
    })

    it('stops when the server ignores end_time and sends its first page again', async () => {
      const first = Array.from({length: 1000}, (_, i) => entry(T + BigInt(1000 - i)))
      const logs = await readFrom((_query, response) => page(response, first), {maxMessages: 5000})
      assert.equal(logs.length, 1000)
      assert.equal(logCache!.reads.length, 2)
    })

    it('stops on a page of messages no older than end_time', async () => {
      const older = Array.from({length: 1000}, (_, i) => entry(T + BigInt(1999 - i)))
      const newer = [entry(T + 5001n), entry(T + 5000n)]
      const logs = await readFrom((query, response) => page(response, query.has('end_time') ? newer : older), {
        maxMessages: 5000,
      })
      assert.deepEqual([logs.length, logs[0].timestamp, logs.at(-1)!.timestamp], [1000, T + 1000n, T + 1999n])
      assert.equal(logCache!.reads.length, 2)
    })

    it('asks for half the page when an answer passes the size cap, as on 429', async () => {
      const stored = Array.from({length: 300}, (_, i) => entry(T + BigInt(299 - i)))
      const logs = await readFrom(
        (query, response) => {
          if (Number(query.get('limit')) > 250) return streamForever(response)
          const end = query.has('end_time') ? BigInt(query.get('end_time')!) : undefined
          page(
            response,
            stored
              .filter((_, i) => end === undefined || T + BigInt(299 - i) <= end)
              .slice(0, Number(query.get('limit'))),
          )
        },
        {maxMessages: 1000},
      )
      assert.equal(logs.length, 300)
      assert.deepEqual(limits(), ['1000', '500', '250', '250', '250'])
    })

    it('fails with the size error (exit 6) once even a page of one is too large', async () => {
      const read = readFrom(
        (_query, response) => {
          response.writeHead(200, {'content-length': String(17 * 1024 * 1024)})
          response.flushHeaders()
        },
        {maxMessages: 1000},
      )
      await assert.rejects(read, {
        code: 'RESPONSE_TOO_LARGE',
        exitCode: 6,
        message: `Log Cache sent more than 16 MiB in answer to GET /api/v1/read/${APP_GUID}`,
      })
      assert.deepEqual(limits(), ['1000', '500', '250', '125', '62', '31', '15', '7', '3', '1'])
    })

    it('ends the read at once when the signal aborts', async () => {
      const controller = new AbortController()
      const read = readFrom(() => controller.abort(), {maxMessages: 1000, signal: controller.signal})
      await assert.rejects(read, {code: 'ABORTED'})
    })
  })
})

type PageAnswer = (query: URLSearchParams, response: ServerResponse) => void

/** Log Cache's read API answered by the test itself: for the servers FakeLogCache does not play. */
class ScriptedLogCache {
  readonly reads: URLSearchParams[] = []

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly url: string,
  ) {}

  static async start(answer: PageAnswer): Promise<ScriptedLogCache> {
    const server = createServer()
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const logCache = new ScriptedLogCache(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    server.on('request', (request, response: ServerResponse) => {
      // The client cuts oversized answers off on purpose.
      request.on('error', () => {})
      response.on('error', () => {})
      const query = new URL(request.url ?? '/', logCache.url).searchParams
      logCache.reads.push(query)
      answer(query, response)
    })
    return logCache
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    this.server.close()
    await once(this.server, 'close')
  }
}

/** A v2 log envelope in JSON, as small as Log Cache could send one, so 300k of them stay under the size cap. */
function entry(timestampNs: bigint): string {
  return `{"timestamp":"${timestampNs}","log":{}}`
}

function page(response: ServerResponse, entries: string[]): void {
  response.writeHead(200, {'content-type': 'application/json'})
  response.end(`{"envelopes":{"batch":[${entries.join(',')}]}}`)
}
