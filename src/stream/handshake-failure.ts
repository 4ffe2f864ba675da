import type {IncomingHttpHeaders} from 'node:http'

import {AuthError, type CfwsError, EndpointError, ForbiddenError, HINTS} from '../errors.js'

export interface HandshakeAnswer {
  status: number
  statusMessage?: string
  headers: IncomingHttpHeaders
  body: string
}

/** What was being opened: the 404 of an app stream means "no access", not "wrong URL". */
export type StreamKind = 'app' | 'firehose'

const UPGRADE_HINT =
  'A load balancer or proxy in front of the Traffic Controller dropped the WebSocket Upgrade header. ' +
  'It must pass WebSocket upgrades over HTTP/1.1; or point --endpoint at the TCP port (4443 or 8443) or the ws. hostname your platform team provides.'

/**
 * Go's own answer to a path its router does not serve (http.NotFound), as opposed to the Traffic
 * Controller's refusal of an app, whose 404 has an empty body.
 */
export function isUnroutedPath(status: number, body: string): boolean {
  return status === 404 && body.trim() === '404 page not found'
}

/**
 * An answer to the upgrade other than 101, told in an operator's words (PROTOCOL.md §5: Traffic
 * Controller and Gorouter answers). `where` is the endpoint as shown to the user; `reconnect`, that
 * the stream was served before.
 */
export function describeHandshakeFailure(
  answer: HandshakeAnswer,
  kind: StreamKind,
  where: string,
  reconnect = false,
): CfwsError {
  const {status} = answer
  const routerError = headerValue(answer.headers, 'x-cf-routererror')
  const cause = {status, routerError, body: answer.body.slice(0, 200)}

  if (
    routerError === 'route_service_unsupported' ||
    (status === 502 && /route services is disabled/i.test(answer.body))
  ) {
    return new EndpointError(
      'ROUTE_SERVICE_UNSUPPORTED',
      `${where} answered ${status}: its route is bound to a route service`,
      {
        cause,
        hint: 'WebSockets are not routed through route services: unbind the route service from the logging route, or use an endpoint without one (--endpoint).',
      },
    )
  }

  if (routerError === 'unknown_route') {
    return new EndpointError('UNKNOWN_ROUTE', `${where} answered 404: the router knows no such route`, {
      cause,
      hint: "Check the endpoint's host name (cf curl /v2/info shows doppler_logging_endpoint).",
    })
  }

  if (routerError === 'no_endpoints') {
    return new EndpointError(
      'NO_TRAFFIC_CONTROLLER',
      `${where} answered ${status}: no healthy Traffic Controller behind the router`,
      {
        cause,
        hint: 'The platform has no running Traffic Controller right now: try again later or tell your platform team.',
      },
    )
  }

  // Go's net/http answers a plaintext request on a TLS listener so, before any handler runs.
  if (status === 400 && /client sent an http request to an https server/i.test(answer.body)) {
    return plainRequestToTlsPort(where, 'answered 400 to', cause)
  }

  if (isUnroutedPath(status, answer.body)) {
    return new EndpointError(
      'PATH_NOT_SERVED',
      `${where} answered 404 page not found: it serves no log stream at that path`,
      {
        cause,
        hint: 'Point --endpoint at the Traffic Controller itself (cf curl /v2/info shows doppler_logging_endpoint), without a path prefix; the Cloud Controller is not it.',
      },
    )
  }

  if (status === 400 || (status >= 200 && status < 300)) {
    return new EndpointError('UPGRADE_STRIPPED', `${where} answered ${status} instead of upgrading to a WebSocket`, {
      cause,
      hint: UPGRADE_HINT,
    })
  }

  if (status === 401) {
    return kind === 'firehose'
      ? new ForbiddenError(
          'FIREHOSE_UNAUTHORIZED',
          `The Traffic Controller refused the firehose: ${answer.body.trim() || '401 Unauthorized'}`,
          {
            cause,
            hint: 'The firehose needs a token with the doppler.firehose scope.',
          },
        )
      : new AuthError('STREAM_UNAUTHORIZED', 'The Traffic Controller rejected the token (401)', {
          cause,
          hint: HINTS.login,
        })
  }

  if (status === 403 && kind === 'firehose') {
    return new ForbiddenError(
      'FIREHOSE_FORBIDDEN',
      `The Traffic Controller refused the firehose (403)${answer.body.trim() ? `: ${answer.body.trim()}` : ''}`,
      {
        cause,
        hint: 'The firehose needs a token with the doppler.firehose scope (logs.admin is not enough); with it, a route service or proxy in front of the Traffic Controller may be what refuses (CFWS_DEBUG=1 shows the answer).',
      },
    )
  }

  if ((status === 403 || (status === 404 && kind === 'app')) && reconnect) {
    // cfws looked the app's GUID up once, at the start: a refusal of a stream it served most often
    // means the app is gone (deleted, or pushed again under a new GUID, as a blue-green deploy does),
    // not a missing role, the first connection's likely cause and the wrong fix here.
    return new ForbiddenError(
      'LOGS_NOT_VISIBLE',
      `The Traffic Controller answered ${status} to a reconnect of the app's stream: the app was deleted (or pushed again under a new GUID), or access to its logs was taken away`,
      {
        cause,
        hint: 'If the app was pushed again, start cfws again; --app-regex (or --all) follows apps that are deleted and pushed again.',
      },
    )
  }

  if (status === 403 || (status === 404 && kind === 'app')) {
    return new ForbiddenError(
      'LOGS_NOT_VISIBLE',
      `The Traffic Controller answered ${status}: no access to this app's logs`,
      {
        cause,
        hint: HINTS.logAccess,
      },
    )
  }

  if (status >= 300 && status < 400) {
    const location = headerValue(answer.headers, 'location')
    return new EndpointError(
      'HANDSHAKE_REDIRECTED',
      `${where} answered ${status}${location ? ` (to ${location})` : ''} instead of upgrading to a WebSocket`,
      {
        cause,
        hint: location ? `Point --endpoint at ${location.replace(/^http/, 'ws')} directly.` : UPGRADE_HINT,
      },
    )
  }

  if (status >= 500) {
    return new EndpointError('SERVER_ERROR', `${where} answered ${status} to the WebSocket upgrade`, {
      cause,
      hint: 'The Traffic Controller or a load balancer in front of it is failing; try again later.',
    })
  }

  return new EndpointError('HANDSHAKE_REJECTED', `${where} answered ${status} to the WebSocket upgrade`, {cause})
}

/**
 * A plain `ws://` request to a port that speaks TLS, seen as Go's 400 or, when the reset of its
 * close came first, as a reset on a port that then completed a TLS handshake.
 */
export function plainRequestToTlsPort(where: string, how: 'answered 400 to' | 'reset', cause: unknown): EndpointError {
  return new EndpointError('PLAIN_TO_TLS_PORT', `${where} is a TLS port: it ${how} a plain ws:// request`, {
    cause,
    hint: `Use ${where.replace(/^ws:/, 'wss:')} instead.`,
  })
}

/** A header of the answer, the first when it came more than once. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}
