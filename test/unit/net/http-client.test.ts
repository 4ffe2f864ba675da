import {strict as assert} from 'node:assert'
import {once} from 'node:events'
import http, {Agent, createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {
  type AddressInfo,
  connect,
  createServer as createRawServer,
  type Server as RawServer,
  type Socket,
} from 'node:net'
import nock from 'nock'

import {sendHttp} from '../../../src/net/http-client.js'

/** A real server on 127.0.0.1 whose every answer the test writes by hand, recording each connection. */
class HandWrittenServer {
  readonly connections: Socket[] = []
  private readonly requestWaiters: Array<(exchange: [IncomingMessage, ServerResponse]) => void> = []

  private constructor(
    private readonly server: Server,
    readonly url: string,
    answer: (request: IncomingMessage, response: ServerResponse) => void,
  ) {
    server.on('connection', (socket: Socket) => this.connections.push(socket))
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      // The client cuts these answers off on purpose.
      request.on('error', () => {})
      response.on('error', () => {})
      answer(request, response)
      for (const resolve of this.requestWaiters.splice(0)) resolve([request, response])
    })
  }

  static async start(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<HandWrittenServer> {
    const server = createServer()
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    return new HandWrittenServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, answer)
  }

  async nextRequest(): Promise<[IncomingMessage, ServerResponse]> {
    return new Promise((resolve) => this.requestWaiters.push(resolve))
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    this.server.close()
    await once(this.server, 'close')
  }
}

/** Writes `chunk` for as long as the client reads, as a runaway server does. */
function streamForever(response: ServerResponse, chunk: Buffer): void {
  response.writeHead(200, {'content-type': 'application/json'})
  const pump = (): void => {
    while (!response.destroyed && response.write(chunk));
  }

  response.on('drain', pump)
  pump()
}

/** Resolves once the server's side of the connection has closed (a reset counts: the client cut it). */
async function closedByClient(socket: Socket): Promise<void> {
  if (socket.destroyed) return
  await new Promise((resolve) => socket.once('close', resolve))
}

describe('sendHttp', () => {
  // Real sockets only: nock's interception would stand between the client and what it destroys.
  before(() => nock.restore())
  after(() => nock.activate())

  let server: HandWrittenServer | undefined
  afterEach(async () => server?.close())
  const cc = {verifyTls: true, serverName: 'the Cloud Controller'}

  it('gives up on a body dripped one byte at a time at its total deadline, in the TIMEOUT wording', async () => {
    server = await HandWrittenServer.start((_request, response) => {
      response.writeHead(200, {'content-type': 'application/json'})
      const drip = setInterval(() => response.write(' '), 10)
      response.on('close', () => clearInterval(drip))
    })
    const started = Date.now()
    await assert.rejects(sendHttp(new URL(`${server.url}/v2/info`), {...cc, timeoutMs: 150}), {
      code: 'TIMEOUT',
      exitCode: 6,
      message: `The Cloud Controller at ${new URL(server.url).host} did not answer in time`,
    })
    assert.ok(Date.now() - started < 1000, 'within the deadline, not the socket inactivity timeout')
    await closedByClient(server.connections[0])
  })

  it('cuts off a body past maxBodyBytes, naming the server and the request (exit 6)', async () => {
    server = await HandWrittenServer.start((_request, response) =>
      streamForever(response, Buffer.alloc(16 * 1024, 'x')),
    )
    await assert.rejects(sendHttp(new URL(`${server.url}/v3/apps?names=x`), {...cc, maxBodyBytes: 64 * 1024}), {
      code: 'RESPONSE_TOO_LARGE',
      exitCode: 6,
      message: 'The Cloud Controller sent more than 64 KiB in answer to GET /v3/apps',
    })
    await closedByClient(server.connections[0])
  })

  it('refuses at once a Content-Length past the cap (16 MiB by default), without waiting for the body', async () => {
    server = await HandWrittenServer.start((_request, response) => {
      response.writeHead(200, {'content-length': String(600 * 1024 * 1024)})
      response.flushHeaders()
    })
    await assert.rejects(sendHttp(new URL(`${server.url}/v2/info`), cc), {
      code: 'RESPONSE_TOO_LARGE',
      message: 'The Cloud Controller sent more than 16 MiB in answer to GET /v2/info',
    })
    await closedByClient(server.connections[0])
  })

  it('takes a body of exactly maxBodyBytes', async () => {
    server = await HandWrittenServer.start((_request, response) => response.end('x'.repeat(1024)))
    const response = await sendHttp(new URL(`${server.url}/`), {...cc, maxBodyBytes: 1024})
    assert.equal(response.body.length, 1024)
  })

  it('sends nothing when the signal has already aborted', async () => {
    server = await HandWrittenServer.start((_request, response) => response.end('{}'))
    await assert.rejects(sendHttp(new URL(`${server.url}/v2/info`), {...cc, signal: AbortSignal.abort()}), {
      code: 'ABORTED',
      exitCode: 6,
      message: 'Cancelled GET /v2/info to the Cloud Controller',
    })
    await sendHttp(new URL(`${server.url}/v2/info`), cc)
    assert.equal(server.connections.length, 1, 'only the second request connected')
  })

  it('destroys the request and its answer at once when the signal aborts mid-body', async () => {
    server = await HandWrittenServer.start((_request, response) => {
      response.writeHead(200, {'content-length': '100'})
      response.write('{"partial":')
    })
    const controller = new AbortController()
    const sending = sendHttp(new URL(`${server.url}/v3/apps`), {...cc, signal: controller.signal})
    await server.nextRequest()
    const reason = new Error('SIGINT')
    controller.abort(reason)
    await assert.rejects(sending, (error: Error & {code: string}) => {
      assert.equal(error.code, 'ABORTED')
      assert.equal(error.cause, reason)
      return true
    })
    await closedByClient(server.connections[0])
  })

  it("goes direct through an agent of its own, not Node's global one, which NODE_USE_ENV_PROXY sends to a proxy", async () => {
    server = await HandWrittenServer.start((_request, response) => response.end('{"from":"the server"}'))
    const proxy = await HandWrittenServer.start((_request, response) => response.writeHead(502).end('from the proxy'))
    // What Node 22.21 and 24.5 on make of the global agent with NODE_USE_ENV_PROXY=1 and HTTP_PROXY
    // set (Node 20 has no such agent): every connection it opens goes to the proxy.
    class ToTheProxy extends Agent {
      override createConnection(): Socket {
        return connect(Number(new URL(proxy.url).port), '127.0.0.1')
      }
    }

    const globalAgent = http.globalAgent
    http.globalAgent = new ToTheProxy()
    try {
      const response = await sendHttp(new URL(`${server.url}/v2/info`), cc)
      assert.deepEqual([response.status, response.body], [200, '{"from":"the server"}'])
      assert.equal(proxy.connections.length, 0)
    } finally {
      http.globalAgent = globalAgent
      await proxy.close()
    }
  })

  describe('a server that takes the connection but gives no HTTP answer', () => {
    let raw: RawServer | undefined
    afterEach(() => raw?.close())

    /** A TCP server on 127.0.0.1 that does `onRequest` with the socket once the request comes. */
    async function rawServer(onRequest: (socket: Socket) => void): Promise<URL> {
      raw = createRawServer((socket) => socket.once('data', () => onRequest(socket)))
      raw.listen(0, '127.0.0.1')
      await once(raw, 'listening')
      return new URL(`http://127.0.0.1:${(raw.address() as AddressInfo).port}/v2/info`)
    }

    it('says one that resets it closed the connection, and what to check: it was reached', async () => {
      const url = await rawServer((socket) => socket.resetAndDestroy())
      await assert.rejects(sendHttp(url, cc), {
        code: 'NETWORK_FAILURE',
        exitCode: 6,
        message: `The Cloud Controller at ${url.host} closed the connection (ECONNRESET)`,
        hint: "Check that the scheme and port are the server's (a TLS port needs https:// or wss://), and HTTPS_PROXY and NO_PROXY; a load balancer or firewall on the way may cut the connection.",
      })
    })

    it('says one that answers in another protocol answered something that is not HTTP', async () => {
      const url = await rawServer((socket) => socket.end('220 smtp.example.com ESMTP\r\n'))
      await assert.rejects(sendHttp(url, cc), {
        code: 'NOT_HTTP',
        exitCode: 6,
        message: `The Cloud Controller at ${url.host} answered something that is not HTTP (HPE_INVALID_CONSTANT)`,
      })
    })
  })

  it('reports a connection cut mid-body as an error, not a short answer', async () => {
    server = await HandWrittenServer.start((_request, response) => {
      response.writeHead(200, {'content-length': '100'})
      response.write('{"partial":', () => response.socket?.destroy())
    })
    await assert.rejects(sendHttp(new URL(`${server.url}/v2/info`), cc), {code: 'NETWORK_FAILURE'})
  })
})
