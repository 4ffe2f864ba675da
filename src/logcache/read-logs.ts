import {sendWithRefresh, type TokenHolder} from '../cf/tokens.js'
import {AuthError, CfwsError, EndpointError, ForbiddenError, HINTS} from '../errors.js'
import {type HttpResponse, parseJsonBody, sendHttp} from '../net/http-client.js'
import {logKey} from '../envelope/log-key.js'
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
  /** Cuts the read short when it aborts (the run's end, or a backfill no longer wanted). */
  signal?: AbortSignal
  /** Each page's bound, when not the HTTP client's own (cfws doctor's shorter steps). */
  timeoutMs?: number
  /** Only messages this accepts are kept and counted (the filters): `maxMessages` of them, read back as far as it takes. */
  accept?: (log: LogMessage) => boolean
  /** Told after each page: how many pages were read and how many messages kept so far. */
  onPage?: (pages: number, kept: number) => void
}

const MAX_PAGE = 1000
const MAX_THROTTLED_IN_ROW = 10
const SERVER_NAME = 'Log Cache'

/**
 * The app's newest log messages, oldest first: pages back with `end_time` from the newest until
 * `maxMessages` or the cache runs out, halving the page on 429 as the cf CLI does (PROTOCOL.md §7),
 * and on an answer too large to take; with `accept`, only what it accepts counts. Whatever a server sends, the loop ends: a page is cut to what
 * was asked, and a page that brings nothing older or unseen ends the read.
 */
export async function readRecentLogs(query: RecentLogsQuery): Promise<LogMessage[]> {
  const newestFirst: LogMessage[] = []
  // Filtered, any page may bring few that count: whole pages, whatever the few asked for.
  let limit = query.accept ? MAX_PAGE : Math.min(MAX_PAGE, query.maxMessages)
  let endTimeNs: bigint | undefined
  let throttled = 0
  // Messages at the boundary timestamp already kept, so a page that repeats them adds nothing twice.
  let atBoundary = new Set<string>()
  let pages = 0

  while (newestFirst.length < query.maxMessages) {
    // Ask for the boundary messages again on top: `end_time` may return them (inclusive) or not.
    const asked = query.accept
      ? Math.min(MAX_PAGE, limit + atBoundary.size)
      : Math.min(limit, query.maxMessages - newestFirst.length + atBoundary.size)
    let response: HttpResponse
    try {
      response = await readPage(query, asked, endTimeNs)
    } catch (error) {
      // A thousand messages near Loggregator's 64 KiB each pass the size cap: ask for fewer, down to one.
      if (!(error instanceof CfwsError && error.code === 'RESPONSE_TOO_LARGE') || asked === 1) throw error
      limit = Math.floor(asked / 2)
      continue
    }

    if (response.status === 429) {
      if (++throttled > MAX_THROTTLED_IN_ROW)
        throw new EndpointError('LOG_CACHE_THROTTLED', `Log Cache answered 429 ${throttled} times in a row`, {
          hint: 'Try again in a moment.',
        })
      limit = Math.max(1, Math.floor(limit / 2))
      continue
    }

    throttled = 0
    const fresh = unseenLogs(newestOfPage(response, asked), endTimeNs, atBoundary)
    if (fresh.length === 0) break
    // One at a time: spreading a page into push() overflowed the stack at 300k entries.
    for (const log of fresh) {
      if (newestFirst.length === query.maxMessages) break
      if (query.accept === undefined || query.accept(log)) newestFirst.push(log)
    }

    query.onPage?.(++pages, newestFirst.length)
    const oldest = fresh.at(-1)!.timestamp!
    if (oldest !== endTimeNs) atBoundary = new Set()
    for (const log of fresh) if (log.timestamp === oldest) atBoundary.add(logKey(log))
    endTimeNs = oldest
  }

  return oldestFirst(newestFirst)
}

/** A page's log messages, newest first, cut to the `asked` newest: a server may send more than asked. */
function newestOfPage(response: HttpResponse, asked: number): LogMessage[] {
  const batch = (parseJsonBody(response) as {envelopes?: {batch?: unknown}} | undefined)?.envelopes?.batch
  const logs = (Array.isArray(batch) ? batch : [])
    .map(logMessageFromV2)
    .filter((log): log is LogMessage => log !== undefined)
  // Stable: messages of the same nanosecond keep the server's order.
  logs.sort((a, b) => (a.timestamp! > b.timestamp! ? -1 : a.timestamp! < b.timestamp! ? 1 : 0))
  return logs.length > asked ? logs.slice(0, asked) : logs
}

/**
 * What a page adds: messages older than `end_time`, or at it and not kept yet. Anything newer was
 * not asked for (a server that ignores `end_time` and repeats its first page adds nothing).
 */
function unseenLogs(
  newestFirst: LogMessage[],
  endTimeNs: bigint | undefined,
  atBoundary: ReadonlySet<string>,
): LogMessage[] {
  if (endTimeNs === undefined) return newestFirst
  return newestFirst.filter(
    (log) => log.timestamp! < endTimeNs || (log.timestamp === endTimeNs && !atBoundary.has(logKey(log))),
  )
}

/**
 * Messages given newest first (as Log Cache and `recentlogs` answer) → oldest first by timestamp;
 * messages with equal timestamps keep the order in which they were logged (Array#sort is stable).
 */
export function oldestFirst(newestFirst: readonly LogMessage[]): LogMessage[] {
  return [...newestFirst].reverse().sort(byTimestamp)
}

/** For a stable sort, oldest first. */
export function byTimestamp(a: LogMessage, b: LogMessage): number {
  const at = a.timestamp ?? 0n
  const bt = b.timestamp ?? 0n
  return at < bt ? -1 : at > bt ? 1 : 0
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
    async (authorization) =>
      sendHttp(url, {
        headers: {authorization},
        verifyTls: query.verifyTls,
        serverName: SERVER_NAME,
        signal: query.signal,
        timeoutMs: query.timeoutMs,
      }),
    (answer) => answer.status === 401 || answer.status === 404,
  )
  if (response.status === 200 || response.status === 429) return response
  if (response.status === 404) {
    throw new ForbiddenError('LOG_CACHE_NOT_VISIBLE', "Log Cache answered 404: no access to this app's logs", {
      hint: HINTS.logAccess,
    })
  }

  if (response.status === 401) {
    throw new AuthError('LOG_CACHE_UNAUTHORIZED', 'Log Cache rejected the token even after a refresh', {
      hint: HINTS.login,
    })
  }

  throw new EndpointError('LOG_CACHE_FAILED', `Log Cache answered ${response.status} to GET ${url.pathname}`, {
    hint: 'Log Cache may be unhealthy; try again later.',
  })
}
