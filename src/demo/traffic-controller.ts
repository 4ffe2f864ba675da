import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {Socket} from 'node:net'
import {type WebSocket, WebSocketServer} from 'ws'

import {encodeEnvelope} from '../envelope/encode.js'
import type {Envelope} from '../envelope/model.js'
import {EVENT_TYPES} from '../envelope/types.js'
import {DEMO_APPS} from './catalog.js'
import {listenOnLoopback, type LoopbackServer} from './http-server.js'
import type {DemoUaa} from './uaa.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The server's keepalive (PROTOCOL.md §5): a ping at once and 15 s after each pong; no pong in 30 s closes with 1008. */
export interface KeepaliveTimings {
  pingAfterPongMs: number
  pongTimeoutMs: number
}

type Audience = {kind: 'app'; guid: string} | {kind: 'firehose'; subscriptionId: string; filter: string | null}

/**
 * The demo's Traffic Controller: Loggregator's v1 WebSocket API on loopback, one dropsonde
 * envelope per binary message (PROTOCOL.md §5). `/apps/{guid}/stream` sends that app's envelopes,
 * `/firehose/{subscription-id}` every envelope (`filter-type=logs|metrics`), split between the
 * clients of one subscription id; refused upgrades get the real server's status, headers and body.
 */
export class DemoTrafficController {
  private readonly wss = new WebSocketServer({noServer: true})
  private readonly audiences = new Map<WebSocket, Audience>()
  private readonly turns = new Map<string, number>()
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor(
    private readonly uaa: DemoUaa,
    /** Called on each accepted client: the first one starts the live demo. */
    private readonly onClient: () => void,
    private readonly keepalive: KeepaliveTimings = {pingAfterPongMs: 15_000, pongTimeoutMs: 30_000},
  ) {}

  async listen(): Promise<LoopbackServer> {
    const server = createServer((request, response) => notUpgraded(request, response))
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) =>
      this.onUpgrade(request, socket, head),
    )
    const listening = await listenOnLoopback(server)
    return {
      ...listening,
      url: listening.url.replace(/^http:/, 'ws:'),
      close: async () => {
        for (const timer of this.timers) clearTimeout(timer)
        for (const client of this.audiences.keys()) client.terminate()
        this.wss.close()
        await listening.close()
      },
    }
  }

  /** Sends the envelope to every app stream it belongs to and to one client of each firehose subscription. */
  publish(envelope: Envelope): void {
    if (this.audiences.size === 0) return
    const frame = encodeEnvelope(envelope)
    const appGuid = envelope.tags?.get('source_id')
    const subscribers = new Map<string, WebSocket[]>()
    for (const [client, audience] of this.audiences) {
      if (audience.kind === 'app') {
        if (audience.guid === appGuid) client.send(frame)
      } else if (wants(audience.filter, envelope)) {
        subscribers.set(audience.subscriptionId, [...(subscribers.get(audience.subscriptionId) ?? []), client])
      }
    }

    for (const [subscriptionId, clients] of subscribers) {
      const turn = this.turns.get(subscriptionId) ?? 0
      this.turns.set(subscriptionId, turn + 1)
      clients[turn % clients.length].send(frame)
    }
  }

  private onUpgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const scopes = this.uaa.scopesOf(request.headers.authorization)
    const app = url.pathname.match(/^\/apps\/([^/]+)\/stream$/)
    const firehose = url.pathname.match(/^\/firehose\/([^/]+)$/)
    let audience: Audience
    if (app) {
      if (!UUID.test(app[1]) || !request.headers.authorization) return refuse(socket, '401 Unauthorized')
      if (!scopes) return refuse(socket, '401 Unauthorized', {'WWW-Authenticate': 'Basic'})
      if (!DEMO_APPS.some((known) => known.guid === app[1])) return refuse(socket, '404 Not Found')
      audience = {kind: 'app', guid: app[1]}
    } else if (firehose) {
      if (!scopes?.includes('doppler.firehose'))
        return refuse(
          socket,
          '401 Unauthorized',
          {'WWW-Authenticate': 'Basic'},
          'You are not authorized. Error: Invalid authorization',
        )
      audience = {
        kind: 'firehose',
        subscriptionId: decodeURIComponent(firehose[1]),
        filter: url.searchParams.get('filter-type'),
      }
    } else {
      return refuse(socket, '404 Not Found', {'Content-Type': 'text/plain; charset=utf-8'}, '404 page not found\n')
    }

    this.wss.handleUpgrade(request, socket, head, (client) => {
      this.audiences.set(client, audience)
      client.on('close', () => this.audiences.delete(client))
      client.on('error', () => client.terminate())
      this.keepAlive(client)
      this.onClient()
    })
  }

  private keepAlive(client: WebSocket): void {
    let deadline: NodeJS.Timeout | undefined
    const later = (ms: number, run: () => void): NodeJS.Timeout => {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        run()
      }, ms)
      this.timers.add(timer)
      return timer
    }

    const ping = (): void => {
      if (client.readyState !== client.OPEN) return
      client.ping()
      deadline = later(this.keepalive.pongTimeoutMs, () =>
        client.close(1008, 'Client did not respond to ping before keep-alive timeout expired.'),
      )
    }

    client.on('pong', () => {
      if (deadline) clearTimeout(deadline)
      later(this.keepalive.pingAfterPongMs, ping)
    })
    ping()
  }
}

function wants(filter: string | null, envelope: Envelope): boolean {
  if (filter === 'logs') return envelope.eventType === EVENT_TYPES.LogMessage
  if (filter === 'metrics') return envelope.eventType !== EVENT_TYPES.LogMessage
  return true
}

function refuse(socket: Socket, status: string, headers: Record<string, string> = {}, body = ''): void {
  const lines = [
    `HTTP/1.1 ${status}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ]
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`)
}

/** A request without `Upgrade` (a load balancer stripped it): 400 on the two routes, Go's 404 elsewhere. */
function notUpgraded(request: IncomingMessage, response: ServerResponse): void {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
  if (/^\/(apps\/[^/]+\/stream|firehose\/[^/]+)$/.test(path)) {
    response
      .writeHead(400, {'Sec-Websocket-Version': '13', 'Content-Type': 'text/plain; charset=utf-8'})
      .end('Bad Request\n')
    return
  }

  response.writeHead(404, {'Content-Type': 'text/plain; charset=utf-8'}).end('404 page not found\n')
}
