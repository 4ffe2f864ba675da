import type {Envelope} from '../envelope/model.js'
import {MESSAGE_TYPES} from '../envelope/types.js'
import {listenOnLoopback, type LoopbackServer} from './http-server.js'
import type {DemoUaa} from './uaa.js'

/** A v2 log envelope as Log Cache writes it in JSON (PROTOCOL.md §7). */
interface V2Log {
  timestamp: string
  source_id: string
  instance_id: string
  tags: Record<string, string>
  log: {payload: string; type: 'OUT' | 'ERR'}
}

// Log Cache keeps a bounded number of envelopes per source; the demo's history fits well inside.
const MAX_PER_SOURCE = 10_000

/**
 * The demo's Log Cache: every app log the foundation sends, per app, served by the read API
 * `cfws logs --recent` and the reconnect backfill use: newest first with `descending=true`,
 * `limit` (100 by default, at most 1000), `start_time` and `end_time` inclusive, and 404 for a
 * missing or unknown token (that is how Log Cache refuses).
 */
export class DemoLogCache {
  private readonly bySource = new Map<string, V2Log[]>()

  constructor(private readonly uaa: DemoUaa) {}

  store(envelope: Envelope): void {
    const log = envelope.logMessage
    if (!log?.appId || log.timestamp === undefined) return
    const logs = this.bySource.get(log.appId) ?? []
    this.bySource.set(log.appId, logs)
    logs.push({
      timestamp: log.timestamp.toString(),
      source_id: log.appId,
      instance_id: log.sourceInstance ?? '',
      tags: {...Object.fromEntries(envelope.tags ?? []), source_type: log.sourceType ?? ''},
      log: {
        payload: Buffer.from(log.message ?? []).toString('base64'),
        type: log.messageType === MESSAGE_TYPES.ERR ? 'ERR' : 'OUT',
      },
    })
    if (logs.length > MAX_PER_SOURCE) logs.shift()
  }

  read(sourceId: string, query: URLSearchParams): V2Log[] {
    const limit = Math.min(Number(query.get('limit') ?? 100) || 100, 1000)
    const start = BigInt(query.get('start_time') ?? '0')
    const end = query.has('end_time') ? BigInt(query.get('end_time')!) : undefined
    const wanted = (this.bySource.get(sourceId) ?? []).filter(
      (log) => BigInt(log.timestamp) >= start && (end === undefined || BigInt(log.timestamp) <= end),
    )
    // Stored in the order logged, which is time order: the newest `limit`, or the oldest.
    return query.get('descending') === 'true' ? wanted.slice(-limit).reverse() : wanted.slice(0, limit)
  }

  async listen(): Promise<LoopbackServer> {
    return listenOnLoopback((request, url) => {
      if (url.pathname === '/api/v1/info') return {status: 200, body: {version: '3.1.0', vm_uptime: '86400'}}
      const read = url.pathname.match(/^\/api\/v1\/read\/([^/]+)$/)
      if (!read || !this.uaa.scopesOf(request.headers.authorization)) return {status: 404}
      return {status: 200, body: {envelopes: {batch: this.read(decodeURIComponent(read[1]), url.searchParams)}}}
    })
  }
}
