import {once} from 'node:events'
import {createServer, type IncomingMessage, type Server} from 'node:http'
import {type AddressInfo, connect, type Socket} from 'node:net'
import nock from 'nock'

/**
 * A CONNECT proxy on 127.0.0.1 that sends every tunnel to 127.0.0.1 whatever host was asked for,
 * so a test can use a non-loopback name (which cfws proxies) for a local fake server.
 */
export interface Tunnel {
  target: string
  proxyAuthorization?: string
  userAgent?: string
  /** Resolves when the client has ended or closed its socket to the proxy. */
  closed: Promise<void>
}

export class ConnectProxy {
  readonly tunnels: Tunnel[] = []
  /** Answer CONNECT with this status line instead of opening the tunnel. */
  refuseWith?: string
  /** Answer CONNECT with these bytes as they are (a broken answer) and close. */
  answerWith?: string
  /** Take the CONNECT and never answer it, as a stuck proxy does. */
  silent = false
  /** Close the connection on a CONNECT without answering it (a FIN or a reset), as a proxy that drops what it will not tunnel. */
  hangUp?: 'end' | 'reset'
  private readonly sockets = new Set<Socket>()
  private readonly waiters: Array<(tunnel: Tunnel) => void> = []

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    server.on('connect', (request: IncomingMessage, client: Socket) => this.onConnect(request, client))
  }

  static async start(): Promise<ConnectProxy> {
    const server = createServer()
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    return new ConnectProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  }

  /** The next CONNECT the proxy takes. */
  async nextTunnel(): Promise<Tunnel> {
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    this.server.close()
    await once(this.server, 'close')
  }

  private onConnect(request: IncomingMessage, client: Socket): void {
    this.sockets.add(client)
    const tunnel = {
      target: request.url ?? '',
      proxyAuthorization: request.headers['proxy-authorization'],
      userAgent: request.headers['user-agent'],
      closed: new Promise<void>((resolve) => {
        client.once('end', resolve).once('close', resolve)
      }),
    }
    this.tunnels.push(tunnel)
    for (const resolve of this.waiters.splice(0)) resolve(tunnel)
    if (this.silent) return
    if (this.hangUp) {
      if (this.hangUp === 'reset') client.resetAndDestroy()
      else client.destroy()
      return
    }

    if (this.answerWith !== undefined) {
      client.end(this.answerWith)
      return
    }

    if (this.refuseWith) {
      client.end(`HTTP/1.1 ${this.refuseWith}\r\nContent-Length: 0\r\n\r\n`)
      return
    }

    const port = Number((request.url ?? '').split(':').pop())
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.pipe(client)
      client.pipe(upstream)
    })
    this.sockets.add(upstream)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  }
}

/** Before each test, a proxy that takes every CONNECT and never answers it, named by HTTPS_PROXY; gone after. */
export function useSilentHttpsProxy(): {readonly proxy: ConnectProxy} {
  const state = {} as {proxy: ConnectProxy}
  let saved: string | undefined
  // A request through an agent-base proxy agent hangs or crashes while nock intercepts (STACK.md):
  // other files load nock into this process, so switch its interception off around these tests.
  before(() => nock.restore())
  after(() => nock.activate())
  beforeEach(async () => {
    state.proxy = await ConnectProxy.start()
    state.proxy.silent = true
    saved = process.env.HTTPS_PROXY
    process.env.HTTPS_PROXY = state.proxy.url
  })
  afterEach(async () => {
    if (saved === undefined) delete process.env.HTTPS_PROXY
    else process.env.HTTPS_PROXY = saved
    await state.proxy.close()
  })
  return state
}
