import {once} from 'node:events'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {APP_GUID} from './envelopes.js'
import {freshJwt} from './jwt.js'

export interface RecordedRequest {
  method: string
  path: string
  authorization?: string
  userAgent?: string
  body: string
}

interface Answer {
  status: number
  body?: unknown
}

/**
 * Cloud Controller and UAA on one real HTTP server on 127.0.0.1, for CLI runs in a child process
 * (nock cannot reach a child). Each route's answer can be replaced by a test.
 */
export class FakeCloudController {
  readonly requests: RecordedRequest[] = []
  loggingEndpoint = ''
  v2Info: 'serve' | 'missing' = 'serve'
  apps: Record<string, string> = {myapp: APP_GUID}
  /** Answers to POST /oauth/token, in turn; the last one repeats. */
  tokenAnswers: Answer[] = [
    {
      status: 200,
      body: {access_token: freshJwt(), token_type: 'bearer', refresh_token: 'refresh-token-2', expires_in: 600},
    },
  ]
  appsAnswer?: Answer
  /** UAA's answer to GET /info, which cfws doctor asks to see that UAA is reachable. */
  uaaInfoAnswer: Answer = {status: 200, body: {app: {version: '77.1.0'}}}
  /** POST /oauth/token is answered once this resolves (a slow UAA, while another writer changes the config). */
  tokenAnswering: Promise<void> = Promise.resolve()
  /** While set, requests to these paths are never answered (a hung UAA or Log Cache). */
  hangPaths?: RegExp
  /** Log Cache on the same server, advertised in the root document unless told not to. */
  logCache?: FakeLogCache
  advertiseLogCache = true
  /** Instead of the root document (a failing Cloud Controller); /v2/info still names the Traffic Controller. */
  rootAnswer?: Answer
  private requestWaiters: Array<() => void> = []

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.onRequest(request, response).catch(() => response.destroy())
    })
  }

  static async start(): Promise<FakeCloudController> {
    const server = createServer()
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    return new FakeCloudController(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  }

  /** Resolves with the first request, made already or to come, that passes `test`. */
  async waitForRequest(test: (request: RecordedRequest) => boolean): Promise<RecordedRequest> {
    for (;;) {
      const request = this.requests.find(test)
      if (request) return request
      await new Promise<void>((resolve) => this.requestWaiters.push(resolve))
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    this.server.close()
    await once(this.server, 'close')
  }

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const url = new URL(request.url ?? '/', this.url)
    this.requests.push({
      method: request.method ?? '',
      path: url.pathname + url.search,
      authorization: request.headers.authorization,
      userAgent: request.headers['user-agent'],
      body: Buffer.concat(chunks).toString(),
    })
    for (const resolve of this.requestWaiters.splice(0)) resolve()
    if (this.hangPaths?.test(url.pathname)) return
    if (this.logCache && url.pathname.startsWith('/api/v1/read/')) await this.logCache.answering
    if (url.pathname === '/oauth/token') await this.tokenAnswering
    const answer = this.route(request.method ?? 'GET', url)
    response.writeHead(answer.status, {'content-type': 'application/json'})
    response.end(answer.body === undefined ? '' : JSON.stringify(answer.body))
  }

  private route(method: string, url: URL): Answer {
    if (method === 'POST' && url.pathname === '/oauth/token') {
      return this.tokenAnswers.length > 1 ? this.tokenAnswers.shift()! : this.tokenAnswers[0]
    }

    if (url.pathname === '/info') return this.uaaInfoAnswer

    if (url.pathname === '/v2/info') {
      return this.v2Info === 'serve'
        ? {status: 200, body: {api_version: '2.250.0', doppler_logging_endpoint: this.loggingEndpoint}}
        : {status: 404, body: {}}
    }

    if (url.pathname === '/' && this.rootAnswer) return this.rootAnswer
    if (url.pathname === '/') {
      const logCache = this.logCache && this.advertiseLogCache ? {href: this.url} : null
      return {
        status: 200,
        body: {links: {logging: {href: this.loggingEndpoint}, log_cache: logCache, uaa: {href: this.url}}},
      }
    }

    if (this.logCache && url.pathname.startsWith('/api/v1/read/')) {
      return this.logCache.read(url, this.requests.at(-1)?.authorization)
    }

    if (url.pathname === '/v3/apps') {
      if (this.appsAnswer) return this.appsAnswer
      return {status: 200, body: this.listApps(url.searchParams)}
    }

    return {status: 404, body: {errors: [{code: 10_000, title: 'CF-NotFound', detail: 'Unknown request'}]}}
  }

  /**
   * As the Cloud Controller lists apps: `names` is a comma-separated list (no escape), every app
   * when it is absent, `per_page` at a time with `pagination.next` as an absolute URL.
   */
  private listApps(query: URLSearchParams): unknown {
    const names = query.get('names')?.split(',')
    const all = Object.entries(this.apps)
      .filter(([name]) => !names || names.includes(name))
      .map(([name, guid]) => ({guid, name}))
    const perPage = Number(query.get('per_page') ?? 50)
    const page = Number(query.get('page') ?? 1)
    const resources = all.slice((page - 1) * perPage, page * perPage)
    const nextQuery = new URLSearchParams(query)
    nextQuery.set('page', String(page + 1))
    const next = page * perPage < all.length ? {href: `${this.url}/v3/apps?${nextQuery.toString()}`} : null
    return {pagination: {total_results: all.length, next}, resources}
  }
}

/** A v2 log envelope as Log Cache writes it in JSON; `camelCase` as older servers do. */
export function v2Log(
  timestampNs: bigint,
  text: string,
  options: {type?: 'OUT' | 'ERR'; instance?: string; sourceType?: string; camelCase?: boolean; appGuid?: string} = {},
): Record<string, unknown> {
  const sourceId = options.appGuid ?? APP_GUID
  const ids = options.camelCase
    ? {sourceId, instanceId: options.instance ?? '0'}
    : {source_id: sourceId, instance_id: options.instance ?? '0'}
  return {
    timestamp: timestampNs.toString(),
    ...ids,
    tags: {source_type: options.sourceType ?? 'APP/PROC/WEB'},
    log: {payload: Buffer.from(text).toString('base64'), type: options.type ?? 'OUT'},
  }
}

/**
 * Log Cache's read API over a fixed set of envelopes (PROTOCOL.md §7), each app's own (by the
 * GUID in the path and the envelope's source id): descending pages of `limit`,
 * `start_time` and `end_time` both inclusive (the harder case for a client that pages back), 404
 * without the expected token, and 429 a given number of times.
 */
export class FakeLogCache {
  readonly reads: URLSearchParams[] = []
  throttleTimes = 0
  /** Reads are answered once this resolves (a slow Log Cache), with the envelopes of that moment. */
  answering: Promise<void> = Promise.resolve()
  acceptToken: (authorization: string | undefined) => boolean = (authorization) =>
    Boolean(authorization?.startsWith('bearer '))

  constructor(readonly envelopes: Array<Record<string, unknown>>) {}

  read(url: URL, authorization: string | undefined): Answer {
    this.reads.push(url.searchParams)
    if (!this.acceptToken(authorization)) return {status: 404}
    if (this.throttleTimes > 0) {
      this.throttleTimes--
      return {status: 429, body: {error: 'rate limited'}}
    }

    const q = url.searchParams
    const appGuid = decodeURIComponent(url.pathname.slice('/api/v1/read/'.length))
    const limit = Math.min(Number(q.get('limit') ?? 100), 1000)
    const start = BigInt(q.get('start_time') ?? '0')
    const end = q.has('end_time') ? BigInt(q.get('end_time')!) : undefined
    const batch = this.envelopes
      .filter((e) => (e.source_id ?? e.sourceId) === appGuid)
      .filter(
        (e) => BigInt(e.timestamp as string) >= start && (end === undefined || BigInt(e.timestamp as string) <= end),
      )
      .sort((a, b) => (BigInt(b.timestamp as string) > BigInt(a.timestamp as string) ? 1 : -1))
      .slice(0, limit)
    return {status: 200, body: {envelopes: {batch}}}
  }
}
