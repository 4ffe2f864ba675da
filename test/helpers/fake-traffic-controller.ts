import {once} from 'node:events'
import {createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import type {AddressInfo, Socket} from 'node:net'
import {type WebSocket, WebSocketServer} from 'ws'

import {makeCertificate, type TestCertificate} from './certificate.js'

export interface RecordedUpgrade {
  path: string
  query: URLSearchParams
  authorization: string | undefined
  userAgent: string | undefined
}

/** Raw bytes to answer an upgrade with instead of 101, undefined to upgrade, or 'hang' never to answer. */
export type UpgradeAnswer = (request: IncomingMessage) => string | undefined

/**
 * A Traffic Controller on 127.0.0.1: a real `ws` server (plain, or TLS with a certificate made at
 * test time) that records every upgrade and lets a test send frames, close, or refuse the upgrade
 * with raw bytes (a 401, a 503 with X-Cf-Routererror, a 200 that never upgrades).
 */
export class FakeTrafficController {
  readonly upgrades: RecordedUpgrade[] = []
  readonly clients = new Set<WebSocket>()
  answer: UpgradeAnswer = () => undefined
  /** Takes every upgrade request from now on and never answers it (a hanging handshake). */
  hangUpgrades = false
  /** Answers the client's pings with pongs, as the real Traffic Controller does. */
  answerPings = false
  /** The raw answer to `GET /apps/{guid}/recentlogs` (older foundations without Log Cache). */
  recentLogs?: {status?: number; contentType?: string; body: Buffer}
  readonly requests: RecordedUpgrade[] = []
  // A silent fake stands for a dead connection: it answers no ping unless a test says so (answerPings).
  private readonly wss = new WebSocketServer({noServer: true, autoPong: false})
  private readonly sockets = new Set<Socket>()
  private readonly rawSockets = new WeakMap<WebSocket, Socket>()
  private waiting: Array<(socket: WebSocket) => void> = []
  // Tests waiting for the next client of one path (one app's stream), and each client's path.
  private waitingForPath: Array<{path: string; resolve: (socket: WebSocket) => void}> = []
  private readonly paths = new WeakMap<WebSocket, string>()
  // Clients that upgraded before a test asked for them, oldest first.
  private readonly unclaimed: WebSocket[] = []
  private upgradeWaiters: Array<() => void> = []

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly certificate?: TestCertificate,
  ) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) =>
      this.onUpgrade(request, socket, head),
    )
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? '/', 'http://fake')
      this.requests.push({
        path: url.pathname,
        query: url.searchParams,
        authorization: request.headers.authorization,
        userAgent: request.headers['user-agent'],
      })
      const answer = /^\/apps\/[^/]+\/recentlogs$/.test(url.pathname) ? this.recentLogs : undefined
      response.writeHead(
        answer?.status ?? (answer ? 200 : 404),
        answer?.contentType ? {'content-type': answer.contentType} : {},
      )
      response.end(answer?.body)
    })
  }

  /** `host` and `port` place it on another loopback address or a fixed port; `certificate` replaces the 127.0.0.1 one. */
  static async start(
    options: {tls?: boolean; host?: string; port?: number; certificate?: TestCertificate} = {},
  ): Promise<FakeTrafficController> {
    const certificate = options.certificate ?? (options.tls ? await makeCertificate() : undefined)
    // Security level 0: the server takes any certificate a test gives it, a SHA-1 one too, so
    // what is refused is refused by cfws, as from a foundation that still serves one.
    const server = certificate
      ? createHttpsServer({key: certificate.key, cert: certificate.cert, ciphers: 'DEFAULT@SECLEVEL=0'})
      : createHttpServer()
    const host = options.host ?? '127.0.0.1'
    server.listen(options.port ?? 0, host)
    await once(server, 'listening')
    const {port} = server.address() as AddressInfo
    return new FakeTrafficController(server, `${certificate ? 'wss' : 'ws'}://${host}:${port}`, certificate)
  }

  /** Answers an upgrade without a token with 401, as the real one does, and upgrades the others. */
  refuseAnonymous(): void {
    this.answer = (request) =>
      request.headers.authorization ? undefined : rawResponse('401 Unauthorized', {'WWW-Authenticate': 'Basic'})
  }

  /** Resolves with the oldest client not handed to the test yet, waiting for its upgrade if need be. */
  async nextClient(): Promise<WebSocket> {
    const client = this.unclaimed.shift()
    if (client) return client
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  /** Resolves with the oldest client of `path` (`/apps/GUID/stream`) not handed to the test yet, waiting for it if need be. */
  async nextClientOf(path: string): Promise<WebSocket> {
    const index = this.unclaimed.findIndex((client) => this.paths.get(client) === path)
    if (index !== -1) return this.unclaimed.splice(index, 1)[0]
    return new Promise((resolve) => this.waitingForPath.push({path, resolve}))
  }

  /** Resolves once `count` upgrade requests came in, answered or not. */
  async waitForUpgrades(count: number): Promise<void> {
    while (this.upgrades.length < count) await new Promise<void>((resolve) => this.upgradeWaiters.push(resolve))
  }

  /** Writes bytes on a client's TCP socket as they are: frames ws itself would never send. */
  sendRaw(client: WebSocket, bytes: Buffer): void {
    this.rawSockets.get(client)!.write(bytes)
  }

  /** Answers every upgrade from now on with this raw HTTP response. */
  refuseWith(status: string, headers: Record<string, string> = {}, body = ''): void {
    this.answer = () => rawResponse(status, headers, body)
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.terminate()
    for (const socket of this.sockets) socket.destroy()
    this.wss.close()
    this.server.close()
    await once(this.server, 'close')
  }

  private onUpgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://fake')
    this.upgrades.push({
      path: url.pathname,
      query: url.searchParams,
      authorization: request.headers.authorization,
      userAgent: request.headers['user-agent'],
    })
    for (const resolve of this.upgradeWaiters.splice(0)) resolve()
    if (this.hangUpgrades) return
    const raw = this.answer(request)
    if (raw === 'hang') return
    if (raw !== undefined) {
      socket.end(raw)
      return
    }

    this.wss.handleUpgrade(request, socket, head, (client) => {
      this.clients.add(client)
      this.rawSockets.set(client, socket)
      client.on('ping', (data) => {
        if (this.answerPings) client.pong(data)
      })
      client.on('close', () => this.clients.delete(client))
      this.paths.set(client, url.pathname)
      const forPath = this.waitingForPath.findIndex((waiter) => waiter.path === url.pathname)
      const waiter = forPath === -1 ? this.waiting.shift() : this.waitingForPath.splice(forPath, 1)[0].resolve
      if (waiter) waiter(client)
      else this.unclaimed.push(client)
    })
  }
}

export function rawResponse(status: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = [
    `HTTP/1.1 ${status}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ]
  return `${lines.join('\r\n')}\r\n\r\n${body}`
}
