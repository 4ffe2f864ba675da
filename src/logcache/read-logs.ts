import {sendWithRefresh, type TokenHolder} from '../cf/tokens.js'
import {AuthError, EndpointError, ForbiddenError, HINTS} from '../errors.js'
import {type HttpResponse, parseJsonBody, sendHttp} from '../net/http-client.js'
import type {LogMessage} from '../envelope/types.js'
import {logMessageFromV2} from './v2-envelope.js'

export interface RecentLogsQuery {
  /** Log Cache's base URL, e.g. https://log-cache.sys.example.com */
  baseUrl: string
  appGuid: string
  tokens: TokenHolder
  verifyTls: boolean
  /** How many messages at most: the newest ones. */
  maxMessages: number
  /** Only messages from this time on (nanoseconds, inclusive). */
  startTimeNs?: bigint
}

const MAX_PAGE = 1000
const MAX_THROTTLED_IN_ROW = 10
const SERVER_NAME = 'Log Cache'

/**
 * The app's newest log messages, oldest first: pages back with `end_time` from the newest until
 * `maxMessages` or the cache runs out, halving the page on 429 as the cf CLI does (PROTOCOL.md §7).
 */
export async function readRecentLogs(query: RecentLogsQuery): Promise<LogMessage[]> {
  const newestFirst: LogMessage[] = []
  let limit = Math.min(MAX_PAGE, query.maxMessages)
  let endTimeNs: bigint | undefined
  let throttled = 0
  // Messages at the boundary timestamp already kept, so a page that repeats them adds nothing twice.
  let atBoundary = new Set<string>()

  while (newestFirst.length < query.maxMessages) {
    // Ask for the boundary messages again on top: `end_time` may return them (inclusive) or not.
    const wanted = query.maxMessages - newestFirst.length + atBoundary.size
    const response = await readPage(query, Math.min(limit, wanted), endTimeNs)
    if (response.status === 429) {
      if (++throttled > MAX_THROTTLED_IN_ROW) throw new EndpointError('LOG_CACHE_THROTTLED', `Log Cache answered 429 ${throttled} times in a row`, {hint: 'Try again in a moment.'})
      limit = Math.max(1, Math.floor(limit / 2))
      continue
    }

    throttled = 0
    const batch = (parseJsonBody(response) as {envelopes?: {batch?: unknown[]}} | undefined)?.envelopes?.batch ?? []
    const logs = batch.map(logMessageFromV2).filter((log): log is LogMessage => log !== undefined)
    const fresh = logs.filter((log) => !atBoundary.has(logIdentity(log)))
    if (fresh.length === 0) break
    newestFirst.push(...fresh.slice(0, query.maxMessages - newestFirst.length))
    const oldest = fresh.reduce((min, log) => (log.timestamp! < min ? log.timestamp! : min), fresh[0].timestamp!)
    if (oldest !== endTimeNs) atBoundary = new Set()
    for (const log of logs) if (log.timestamp === oldest) atBoundary.add(logIdentity(log))
    endTimeNs = oldest
  }

  return oldestFirst(newestFirst)
}

/**
 * Messages given newest first (as Log Cache and `recentlogs` answer) → oldest first by timestamp;
 * messages with equal timestamps keep the order in which they were logged (Array#sort is stable).
 */
export function oldestFirst(newestFirst: readonly LogMessage[]): LogMessage[] {
  return [...newestFirst].reverse().sort((a, b) => (a.timestamp! < b.timestamp! ? -1 : a.timestamp! > b.timestamp! ? 1 : 0))
}

/** What makes two log messages the same line: timestamp, source, instance and text. */
export function logIdentity(log: LogMessage): string {
  return `${log.timestamp}\u0000${log.sourceType}/${log.sourceInstance}\u0000${Buffer.from(log.message ?? []).toString('latin1')}`
}

/** One page; a 401, or the 404 Log Cache gives for a missing token *or* no access, refreshes the token once. */
async function readPage(query: RecentLogsQuery, limit: number, endTimeNs: bigint | undefined): Promise<HttpResponse> {
  const url = new URL(`${query.baseUrl.replace(/\/+$/, '')}/api/v1/read/${encodeURIComponent(query.appGuid)}`)
  url.searchParams.set('envelope_types', 'LOG')
  url.searchParams.set('limit', String(limit))
  url.searchParams.set('descending', 'true')
  if (query.startTimeNs !== undefined) url.searchParams.set('start_time', query.startTimeNs.toString())
  if (endTimeNs !== undefined) url.searchParams.set('end_time', endTimeNs.toString())

  const response = await sendWithRefresh(
    query.tokens,
    async (authorization) => sendHttp(url, {headers: {authorization}, verifyTls: query.verifyTls, serverName: SERVER_NAME}),
    (answer) => answer.status === 401 || answer.status === 404,
  )
  if (response.status === 200 || response.status === 429) return response
  if (response.status === 404) {
    throw new ForbiddenError('LOG_CACHE_NOT_VISIBLE', "Log Cache answered 404: no access to this app's logs", {
      hint: HINTS.logAccess,
    })
  }

  if (response.status === 401) {
    throw new AuthError('LOG_CACHE_UNAUTHORIZED', 'Log Cache rejected the token even after a refresh', {hint: HINTS.login})
  }

  throw new EndpointError('LOG_CACHE_FAILED', `Log Cache answered ${response.status} to GET ${url.pathname}`, {
    hint: 'Log Cache may be unhealthy; try again later.',
  })
}
