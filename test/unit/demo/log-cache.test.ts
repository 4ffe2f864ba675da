import {strict as assert} from 'node:assert'

import {DOPPLER_VM, WEB_APP, WORKER_APP} from '../../../src/demo/catalog.js'
import {appLog, valueMetric} from '../../../src/demo/envelopes.js'
import {DemoLogCache} from '../../../src/demo/log-cache.js'
import {DemoUaa} from '../../../src/demo/uaa.js'
import {liveToken} from '../../helpers/demo-token.js'

describe('DemoLogCache', () => {
  const uaa = new DemoUaa()
  const cache = new DemoLogCache(uaa)
  for (let i = 1; i <= 5; i++)
    cache.store(
      appLog(
        WEB_APP,
        i === 3 ? 'RTR' : 'APP/PROC/WEB',
        String(i % 2),
        `line ${i}`,
        BigInt(i) * 10n,
        i === 4 ? 'ERR' : 'OUT',
      ),
    )
  cache.store(appLog(WORKER_APP, 'APP/PROC/WORKER', '0', 'other app', 25n))
  cache.store(valueMetric('doppler', DOPPLER_VM, 30n, 'subscriptions', 1, 'count'))

  const read = (query: string) =>
    cache.read(WEB_APP.guid, new URLSearchParams(query)).map((log) => Buffer.from(log.log.payload, 'base64').toString())

  it("keeps each app's logs as v2 envelopes in JSON", () => {
    assert.deepEqual(cache.read(WEB_APP.guid, new URLSearchParams('start_time=40&end_time=40')), [
      {
        timestamp: '40',
        source_id: WEB_APP.guid,
        instance_id: '0',
        tags: {
          source_id: WEB_APP.guid,
          app_name: 'web',
          organization_name: 'demo-org',
          space_name: 'demo-space',
          source_type: 'APP/PROC/WEB',
        },
        log: {payload: Buffer.from('line 4').toString('base64'), type: 'ERR'},
      },
    ])
  })

  it('reads newest first with descending=true, oldest first otherwise, at most limit', () => {
    assert.deepEqual(read('descending=true&limit=2'), ['line 5', 'line 4'])
    assert.deepEqual(read('limit=2'), ['line 1', 'line 2'])
    assert.deepEqual(read('limit=5000').length, 5, 'limit is at most 1000, and 5 are there')
  })

  it('bounds a read by start_time and end_time, both inclusive', () => {
    assert.deepEqual(read('descending=true&start_time=20&end_time=40'), ['line 4', 'line 3', 'line 2'])
  })

  it('answers 404 to a read without a live token, as Log Cache refuses', async () => {
    const server = await cache.listen()
    try {
      const url = `${server.url}/api/v1/read/${WEB_APP.guid}?descending=true&limit=1`
      assert.equal((await fetch(url)).status, 404)
      const answer = await fetch(url, {headers: {authorization: liveToken(uaa)}})
      assert.equal(answer.status, 200)
      const body = (await answer.json()) as {envelopes: {batch: Array<{timestamp: string}>}}
      assert.deepEqual(
        body.envelopes.batch.map((envelope) => envelope.timestamp),
        ['50'],
      )
    } finally {
      await server.close()
    }
  })
})
