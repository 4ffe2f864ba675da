import {strict as assert} from 'node:assert'
import {once} from 'node:events'
import {request} from 'node:http'
import WebSocket from 'ws'

import {DOPPLER_VM, WEB_APP, WORKER_APP} from '../../../src/demo/catalog.js'
import {appLog, valueMetric} from '../../../src/demo/envelopes.js'
import type {LoopbackServer} from '../../../src/demo/http-server.js'
import {DemoTrafficController} from '../../../src/demo/traffic-controller.js'
import {DemoUaa} from '../../../src/demo/uaa.js'
import {encodeEnvelope} from '../../../src/envelope/encode.js'
import {liveToken} from '../../helpers/demo-token.js'

const webLog = appLog(WEB_APP, 'APP/PROC/WEB', '0', 'GET / 200', 1n)
const workerLog = appLog(WORKER_APP, 'APP/PROC/WORKER', '0', 'job done', 2n)
const metric = valueMetric('doppler', DOPPLER_VM, 3n, 'subscriptions', 1, 'count')

describe('DemoTrafficController', () => {
  let uaa: DemoUaa
  let clients: number
  let tc: DemoTrafficController
  let server: LoopbackServer
  const open: WebSocket[] = []

  beforeEach(async () => {
    uaa = new DemoUaa()
    clients = 0
    tc = new DemoTrafficController(uaa, () => clients++, {pingAfterPongMs: 10, pongTimeoutMs: 50})
    server = await tc.listen()
  })

  afterEach(async () => {
    for (const socket of open.splice(0)) socket.terminate()
    await server.close()
  })

  async function connect(path: string): Promise<{socket: WebSocket; frames: Buffer[]}> {
    const socket = new WebSocket(`${server.url}${path}`, {headers: {authorization: liveToken(uaa)}})
    open.push(socket)
    const frames: Buffer[] = []
    socket.on('message', (data: Buffer) => frames.push(data))
    await once(socket, 'open')
    return {socket, frames}
  }

  /** Publishes the envelopes, then waits for a pong on each socket: what was sent before it has arrived. */
  async function publishAndSettle(
    envelopes: Parameters<DemoTrafficController['publish']>[0][],
    ...sockets: WebSocket[]
  ): Promise<void> {
    for (const envelope of envelopes) tc.publish(envelope)
    await Promise.all(
      sockets.map(async (socket) => {
        socket.ping()
        await once(socket, 'pong')
      }),
    )
  }

  async function refusal(
    path: string,
    authorization?: string,
  ): Promise<{status: number; headers: Record<string, string | string[] | undefined>; body: string}> {
    const socket = new WebSocket(`${server.url}${path}`, {headers: authorization ? {authorization} : {}})
    // Once it answers unexpected-response, ws leaves the socket to us: terminate() then errors.
    socket.on('error', () => {})
    const [, response] = (await once(socket, 'unexpected-response')) as [unknown, import('node:http').IncomingMessage]
    let body = ''
    for await (const chunk of response) body += String(chunk)
    socket.terminate()
    return {status: response.statusCode!, headers: response.headers, body}
  }

  it("sends an app stream that app's envelopes only, one envelope a binary message, and counts its clients", async () => {
    const {socket, frames} = await connect(`/apps/${WEB_APP.guid}/stream`)
    await publishAndSettle([webLog, workerLog, metric, webLog], socket)
    assert.deepEqual(frames, [Buffer.from(encodeEnvelope(webLog)), Buffer.from(encodeEnvelope(webLog))])
    assert.equal(clients, 1)
  })

  it('sends the firehose everything, or logs or metrics only as filter-type asks', async () => {
    const all = await connect('/firehose/all')
    const logs = await connect('/firehose/logs?filter-type=logs')
    const metrics = await connect('/firehose/metrics?filter-type=metrics')
    await publishAndSettle([webLog, metric, workerLog], all.socket, logs.socket, metrics.socket)
    const origins = (frames: Buffer[]) =>
      frames.map((frame) =>
        frame.equals(encodeEnvelope(metric)) ? 'metric' : frame.equals(encodeEnvelope(webLog)) ? 'web' : 'worker',
      )
    assert.deepEqual(origins(all.frames), ['web', 'metric', 'worker'])
    assert.deepEqual(origins(logs.frames), ['web', 'worker'])
    assert.deepEqual(origins(metrics.frames), ['metric'])
  })

  it('splits one subscription between its clients, in turn', async () => {
    const first = await connect('/firehose/shared')
    const second = await connect('/firehose/shared')
    await publishAndSettle([webLog, webLog, webLog, webLog], first.socket, second.socket)
    assert.deepEqual([first.frames.length, second.frames.length], [2, 2])
  })

  it('refuses upgrades as the real Traffic Controller does', async () => {
    assert.deepEqual(await refusal('/apps/not-a-guid/stream', liveToken(uaa)).then((r) => [r.status, r.body]), [
      401,
      '',
    ])
    const unknownToken = await refusal(`/apps/${WEB_APP.guid}/stream`, 'bearer not-issued')
    assert.deepEqual(
      [unknownToken.status, unknownToken.headers['www-authenticate'], unknownToken.body],
      [401, 'Basic', ''],
    )
    assert.deepEqual(
      await refusal('/apps/00000000-0000-4000-8000-000000000000/stream', liveToken(uaa)).then((r) => [
        r.status,
        r.body,
      ]),
      [404, ''],
    )
    const firehose = await refusal('/firehose/x', 'bearer not-issued')
    assert.deepEqual(
      [firehose.status, firehose.headers['www-authenticate'], firehose.body],
      [401, 'Basic', 'You are not authorized. Error: Invalid authorization'],
    )
    assert.deepEqual(await refusal('/apps/x/recentlogs', liveToken(uaa)).then((r) => [r.status, r.body]), [
      404,
      '404 page not found\n',
    ])
    assert.equal(clients, 0)
  })

  it('answers a request that lost its Upgrade header with 400 and the WebSocket version', async () => {
    const response = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      request(`${server.url.replace('ws:', 'http:')}/firehose/x`, resolve).end(),
    )
    response.resume()
    assert.deepEqual([response.statusCode, response.headers['sec-websocket-version']], [400, '13'])
  })

  it('pings at once and after each pong, and closes with 1008 a client that stops answering', async () => {
    const socket = new WebSocket(`${server.url}/firehose/quiet`, {
      headers: {authorization: liveToken(uaa)},
      autoPong: false,
    })
    open.push(socket)
    // The first ping may come with the upgrade's answer, before 'open'.
    await once(socket, 'ping')
    socket.pong()
    await once(socket, 'ping')
    const [code, reason] = (await once(socket, 'close')) as [number, Buffer]
    assert.deepEqual(
      [code, reason.toString()],
      [1008, 'Client did not respond to ping before keep-alive timeout expired.'],
    )
  })
})
