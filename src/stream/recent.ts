import {sendWithRefresh, type TokenHolder} from '../cf/tokens.js'
import {displayEndpoint, recentLogsUrl} from '../endpoint/resolve.js'
import {LogMessageDecoder} from '../envelope/decode.js'
import type {LogMessage} from '../envelope/types.js'
import {AuthError, EndpointError, ForbiddenError, HINTS} from '../errors.js'
import {sendHttp} from '../net/http-client.js'
import {isUnroutedPath} from './handshake-failure.js'
import {multipartBoundary, splitMultipart} from './multipart.js'

export interface RecentLogsAnswer {
  /** Newest first, as the Traffic Controller sends them. */
  logs: LogMessage[]
  /** Parts that were not a decodable envelope. */
  undecodable: number
}

/**
 * The Traffic Controller's `GET /apps/{guid}/recentlogs` for foundations without Log Cache (it was
 * removed from the Traffic Controller in Dec 2022, PROTOCOL.md §1). No retries: `--recent` is one shot.
 */
export async function readTrafficControllerRecentLogs(
  endpoint: URL,
  appGuid: string,
  tokens: TokenHolder,
  verifyTls: boolean,
  signal?: AbortSignal,
): Promise<RecentLogsAnswer> {
  const url = recentLogsUrl(endpoint, appGuid)
  const response = await sendWithRefresh(
    tokens,
    async (authorization) =>
      sendHttp(url, {
        headers: {authorization, accept: 'multipart/x-protobuf'},
        verifyTls,
        serverName: 'the Traffic Controller',
        signal,
      }),
    (answer) => answer.status === 401,
  )
  if (response.status === 401)
    throw new AuthError('STREAM_UNAUTHORIZED', 'The Traffic Controller rejected the token (401)', {hint: HINTS.login})
  if (isUnroutedPath(response.status, response.body)) {
    throw new EndpointError(
      'RECENT_LOGS_UNSUPPORTED',
      'This Traffic Controller stopped serving recent logs in 2022, and the foundation advertises no Log Cache',
      {
        hint: 'Recent logs now come from Log Cache: ask your platform team to deploy it. Streaming (cfws logs APP without --recent) still works.',
      },
    )
  }

  if (response.status === 404) {
    throw new ForbiddenError(
      'LOGS_NOT_VISIBLE',
      "The Traffic Controller answered 404 for the app's recent logs: no access to them",
      {
        hint: HINTS.logAccess,
      },
    )
  }

  if (response.status !== 200) {
    throw new EndpointError(
      'RECENT_LOGS_FAILED',
      `${displayEndpoint(url)} answered ${response.status} to GET ${url.pathname}`,
    )
  }

  const header = response.headers['content-type']
  const contentType = typeof header === 'string' ? header : undefined
  const boundary = multipartBoundary(contentType)
  if (!boundary) {
    throw new EndpointError(
      'NOT_MULTIPART',
      `The Traffic Controller answered recentlogs with ${contentType ?? 'no Content-Type'}, not multipart with a boundary`,
      {
        hint: 'This foundation may not serve recent logs from the Traffic Controller any more; it needs Log Cache.',
      },
    )
  }

  const answer: RecentLogsAnswer = {logs: [], undecodable: 0}
  const decoder = new LogMessageDecoder()
  for (const part of splitMultipart(response.raw, boundary)) {
    if (part.length === 0) continue
    const decoded = decoder.decode(part)
    if (!decoded.ok) answer.undecodable++
    else if (decoded.envelope.logMessage) answer.logs.push(decoded.envelope.logMessage)
  }

  return answer
}
