import {strict as assert} from 'node:assert'
import {once} from 'node:events'
import {type AddressInfo, createServer, type Server, type Socket} from 'node:net'
import {createServer as createTlsServer} from 'node:tls'

import {MAX_MESSAGE_BYTES, openStream} from '../../../src/stream/connect.js'
import {makeCertificate} from '../../helpers/certificate.js'
import {FakeTrafficController} from '../../helpers/fake-traffic-controller.js'
import {useNock} from '../../helpers/nock-setup.js'
import {binaryFrame, upgradeAnsweredWith} from '../../helpers/raw-upgrade.js'
import {ManualReadGate} from '../../helpers/read-gate.js'

describe('openStream', () => {
  let tc: FakeTrafficController
  afterEach(async () => tc.close())

  function open(overrides: Partial<Parameters<typeof openStream>[0]> = {}): ReturnType<typeof openStream> {
    return openStream({
      url: new URL(`${tc.url}/apps/g-1/stream`),
      authorization: 'bearer abc.def.ghi',
      kind: 'app',
      verifyTls: true,
      handshakeTimeoutMs: 2000,
      onFrame() {},
      signal: new AbortController().signal,
      ...overrides,
    })
  }

  describe('over plain ws on 127.0.0.1', () => {
    beforeEach(async () => {
      tc = await FakeTrafficController.start()
    })

    it('sends the lowercase bearer header and upgrades', async () => {
      const {socket} = await open()
      socket.close()
      assert.equal(tc.upgrades[0].authorization, 'bearer abc.def.ghi')
      assert.equal(tc.upgrades[0].path, '/apps/g-1/stream')
    })

    it('hands over frames sent together with the upgrade answer', async () => {
      const frames: string[] = []
      const connected = tc.nextClient().then((client) => client.send(Buffer.from('first')))
      const {socket} = await open({onFrame: (frame) => frames.push(frame.toString())})
      await connected
      while (frames.length === 0) await new Promise((resolve) => setImmediate(resolve))
      socket.close()
      assert.deepEqual(frames, ['first'])
    })

    const cases: Array<[string, [string, Record<string, string>?, string?], string, number]> = [
      ['a stripped Upgrade (400)', ['400 Bad Request', {'Sec-Websocket-Version': '13'}], 'UPGRADE_STRIPPED', 6],
      [
        'a load balancer’s own 200 page',
        ['200 OK', {'Content-Type': 'text/html'}, '<html>hi</html>'],
        'UPGRADE_STRIPPED',
        6,
      ],
      [
        'a route service',
        ['503 Service Unavailable', {'X-Cf-Routererror': 'route_service_unsupported'}],
        'ROUTE_SERVICE_UNSUPPORTED',
        6,
      ],
      [
        'route services disabled',
        ['502 Bad Gateway', {}, 'Support for route services is disabled.'],
        'ROUTE_SERVICE_UNSUPPORTED',
        6,
      ],
      ['an unknown route', ['404 Not Found', {'X-Cf-Routererror': 'unknown_route'}], 'UNKNOWN_ROUTE', 6],
      [
        'no healthy Traffic Controller',
        ['503 Service Unavailable', {'X-Cf-Routererror': 'no_endpoints'}],
        'NO_TRAFFIC_CONTROLLER',
        6,
      ],
      ['an app the user cannot see (404, empty body)', ['404 Not Found'], 'LOGS_NOT_VISIBLE', 4],
      [
        'a path the server does not route (Go’s 404 page)',
        ['404 Not Found', {'Content-Type': 'text/plain; charset=utf-8'}, '404 page not found\n'],
        'PATH_NOT_SERVED',
        6,
      ],
      [
        'plain HTTP to a TLS port (Go’s 400)',
        ['400 Bad Request', {}, 'Client sent an HTTP request to an HTTPS server.\n'],
        'PLAIN_TO_TLS_PORT',
        6,
      ],
      ['a rejected token (401)', ['401 Unauthorized', {'WWW-Authenticate': 'Basic'}], 'STREAM_UNAUTHORIZED', 3],
      ['a Traffic Controller that cannot reach Doppler (503)', ['503 Service Unavailable'], 'SERVER_ERROR', 6],
      ['any other 4xx', ['418 I am a teapot'], 'HANDSHAKE_REJECTED', 6],
    ]
    for (const [name, answer, code, exitCode] of cases) {
      it(`explains ${name} as ${code} (exit ${exitCode})`, async () => {
        tc.refuseWith(...answer)
        await assert.rejects(open(), {code, exitCode})
      })
    }

    it('explains a firehose refused with 403 by the scope it needs, not by an app’s roles (exit 4)', async () => {
      tc.refuseWith('403 Forbidden', {}, 'denied')
      await assert.rejects(open({url: new URL(`${tc.url}/firehose/sub`), kind: 'firehose'}), {
        code: 'FIREHOSE_FORBIDDEN',
        exitCode: 4,
        message: 'The Traffic Controller refused the firehose (403): denied',
        hint: /doppler\.firehose scope/,
      })
    })

    it('tells a plain ws:// request to a TLS port to use wss://', async () => {
      tc.refuseWith('400 Bad Request', {}, 'Client sent an HTTP request to an HTTPS server.\n')
      await assert.rejects(open(), {
        message: /^ws:\/\/127\.0\.0\.1:\d+ is a TLS port/,
        hint: /^Use wss:\/\/127\.0\.0\.1:\d+ instead\.$/,
      })
    })

    it('tells a TLS port that cut a plain ws:// request before any answer to use wss://', async () => {
      const {cert, key} = await makeCertificate()
      const server = createTlsServer({cert, key}).listen(0, '127.0.0.1')
      await once(server, 'listening')
      const {port} = server.address() as AddressInfo
      try {
        await assert.rejects(open({url: new URL(`ws://127.0.0.1:${port}/apps/g-1/stream`)}), {
          code: 'PLAIN_TO_TLS_PORT',
          exitCode: 6,
          message: `ws://127.0.0.1:${port} is a TLS port: it reset a plain ws:// request`,
          hint: `Use wss://127.0.0.1:${port} instead.`,
        })
      } finally {
        server.close()
      }
    })

    it('reports a plain server that resets the request as a closed connection, not as a TLS port or unreachable', async () => {
      const server = createServer((socket) => socket.once('data', () => socket.resetAndDestroy())).listen(
        0,
        '127.0.0.1',
      )
      await once(server, 'listening')
      const {port} = server.address() as AddressInfo
      try {
        await assert.rejects(open({url: new URL(`ws://127.0.0.1:${port}/apps/g-1/stream`)}), {
          code: 'NETWORK_FAILURE',
          exitCode: 6,
          message: `The Traffic Controller at 127.0.0.1:${port} closed the connection (ECONNRESET)`,
          hint: "Check that the scheme and port are the server's (a TLS port needs https:// or wss://), and HTTPS_PROXY and NO_PROXY; a load balancer or firewall on the way may cut the connection.",
        })
      } finally {
        server.close()
      }
    })

    describe('a server that was reached but did not answer as a Traffic Controller', () => {
      let server: Server | undefined
      afterEach(() => server?.close())

      /** A TCP server on 127.0.0.1 that writes `answer` once the upgrade request comes, and keeps the socket open. */
      async function answering(answer: (request: string) => string): Promise<URL> {
        server = createServer((socket) => socket.once('data', (request) => socket.write(answer(request.toString()))))
        server.listen(0, '127.0.0.1')
        await once(server, 'listening')
        return new URL(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/apps/g-1/stream`)
      }

      it('says a service that does not speak HTTP answered something else (exit 6)', async () => {
        const url = await answering(() => 'SSH-2.0-OpenSSH_9.6\r\n')
        await assert.rejects(open({url}), {
          code: 'NOT_HTTP',
          exitCode: 6,
          message: `The Traffic Controller at ${url.host} answered something that is not HTTP (HPE_INVALID_CONSTANT)`,
          hint: 'Another service may listen on that port, or it speaks TLS: check the scheme (https://, wss://) and the port of the endpoint.',
        })
      })

      it('says a 101 with a wrong Sec-WebSocket-Accept is no valid upgrade (exit 6)', async () => {
        const url = await answering(
          () =>
            'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSBrZXk=\r\n\r\n',
        )
        await assert.rejects(open({url}), {
          code: 'INVALID_UPGRADE',
          exitCode: 6,
          message: `The Traffic Controller at ${url.host} answered the WebSocket upgrade with an invalid handshake: Invalid Sec-WebSocket-Accept header`,
          hint: 'Something between cfws and the Traffic Controller (a proxy, a load balancer) may rewrite the upgrade, or another server answers: check the endpoint (cf curl /v2/info), HTTPS_PROXY and NO_PROXY.',
        })
      })
    })

    it('puts the status in the message of any other answer', async () => {
      tc.refuseWith('418 I am a teapot')
      await assert.rejects(open(), {message: /^ws:\/\/127\.0\.0\.1:\d+ answered 418 to the WebSocket upgrade$/})
    })

    it('times out a server that accepts the connection but never answers the upgrade', async () => {
      const server = createServer(() => {}).listen(0, '127.0.0.1')
      await once(server, 'listening')
      const {port} = server.address() as AddressInfo
      try {
        await assert.rejects(open({url: new URL(`ws://127.0.0.1:${port}/apps/g-1/stream`), handshakeTimeoutMs: 50}), {
          code: 'TIMEOUT',
          exitCode: 6,
        })
      } finally {
        server.close()
      }
    })

    it('terminates a handshake the server never answers as soon as the signal aborts', async () => {
      const server = createServer().listen(0, '127.0.0.1')
      await once(server, 'listening')
      const accepted = once(server, 'connection')
      const {port} = server.address() as AddressInfo
      const controller = new AbortController()
      try {
        const opening = open({
          url: new URL(`ws://127.0.0.1:${port}/apps/g-1/stream`),
          handshakeTimeoutMs: 60_000,
          signal: controller.signal,
        })
        const [serverSide] = (await accepted) as [Socket]
        const startedMs = Date.now()
        controller.abort()
        await assert.rejects(opening, {
          code: 'ABORTED',
          exitCode: 6,
          message: /^Stopped while connecting to ws:\/\/127\.0\.0\.1:\d+$/,
        })
        await once(serverSide, 'close')
        assert.ok(Date.now() - startedMs < 200, 'the socket was cut at once')
      } finally {
        server.close()
      }
    })

    it('does not connect at all when the signal has already aborted', async () => {
      const controller = new AbortController()
      controller.abort()
      await assert.rejects(open({signal: controller.signal}), {code: 'ABORTED'})
      assert.equal(tc.upgrades.length, 0)
    })

    it(`takes a message of ${MAX_MESSAGE_BYTES} bytes and refuses a longer one with 1009`, async () => {
      const sizes: number[] = []
      const {socket, closed} = await open({onFrame: (frame) => sizes.push(frame.length)})
      const client = [...tc.clients][0]
      client.send(Buffer.alloc(MAX_MESSAGE_BYTES))
      client.send(Buffer.alloc(MAX_MESSAGE_BYTES + 1))
      const serverSaw = once(client, 'close')
      assert.equal(await closed, 'cfws refused a frame: message too big (1009)')
      assert.deepEqual(sizes, [MAX_MESSAGE_BYTES])
      assert.equal(socket.readyState, socket.CLOSED)
      assert.equal((await serverSaw)[0], 1009, 'ws told the server why')
    })

    it('says why the server closed, by the name and number of its close code', async () => {
      const {closed} = await open()
      ;[...tc.clients][0].close(1011, 'doppler went away')
      assert.equal(await closed, 'closed by the server: internal error (1011): doppler went away')
    })

    it('keeps a socket opened behind a paused read gate unread, even frames in the same read as the upgrade answer', async () => {
      const server = await upgradeAnsweredWith(Buffer.concat([binaryFrame('first'), binaryFrame('second')]))
      const gate = new ManualReadGate(true)
      const frames: string[] = []
      try {
        const {socket} = await open({
          url: new URL(`${server.url}/apps/g-1/stream`),
          readGate: gate,
          onFrame: (frame) => frames.push(frame.toString()),
        })
        // Nothing may arrive: give ws every chance to read what came with the 101.
        await new Promise((resolve) => setTimeout(resolve, 20))
        assert.deepEqual(frames, [])
        gate.set(false)
        while (frames.length < 2) await new Promise((resolve) => setImmediate(resolve))
        assert.deepEqual(frames, ['first', 'second'])
        socket.terminate()
        await once(socket, 'close')
        assert.equal(gate.listenerCount, 0, 'a closed socket stops following the gate')
      } finally {
        await server.close()
      }
    })

    it('calls onOpen before the frames that came in the same read as the upgrade answer', async () => {
      const server = await upgradeAnsweredWith(Buffer.concat([binaryFrame('first'), binaryFrame('second')]))
      const events: string[] = []
      try {
        const {socket} = await open({
          url: new URL(`${server.url}/apps/g-1/stream`),
          onOpen: () => events.push('open'),
          onFrame: (frame) => events.push(frame.toString()),
        })
        while (!events.includes('second')) await new Promise((resolve) => setImmediate(resolve))
        assert.deepEqual(events, ['open', 'first', 'second'])
        socket.terminate()
        await once(socket, 'close')
      } finally {
        await server.close()
      }
    })

    describe('with nock active', () => {
      useNock()

      it('still reaches the Traffic Controller on 127.0.0.1', async () => {
        const {socket} = await open()
        socket.close()
        assert.equal(tc.upgrades.length, 1)
      })
    })
  })

  describe('over TLS with a certificate made at test time', () => {
    beforeEach(async () => {
      tc = await FakeTrafficController.start({tls: true})
    })

    it('refuses an untrusted certificate with a hint (exit 6)', async () => {
      await assert.rejects(open(), (error: {code: string; exitCode: number; hint: string}) => {
        assert.equal(error.code, 'TLS_CERTIFICATE')
        assert.equal(error.exitCode, 6)
        assert.match(error.hint, /--skip-ssl-validation/)
        assert.match(error.hint, /NODE_EXTRA_CA_CERTS/)
        return true
      })
      assert.equal(tc.upgrades.length, 0, 'no request went out over the untrusted connection')
    })

    it('connects with verification off', async () => {
      const {socket} = await open({verifyTls: false})
      socket.close()
      assert.equal(tc.upgrades.length, 1)
    })
  })
})
