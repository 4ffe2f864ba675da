import {type CfwsError, EndpointError, UsageError} from '../errors.js'
import {isCleartextToRemote} from '../net/loopback.js'

/** Where an endpoint came from: named in messages, and a user's typo is a usage error (exit 2). */
export type EndpointOrigin = '--endpoint' | 'CFWS_LOGGER_ENDPOINT' | 'the Cloud Controller'

const SCHEMES: Record<string, 'wss:' | 'ws:'> = {'wss:': 'wss:', 'https:': 'wss:', 'ws:': 'ws:', 'http:': 'ws:'}

/**
 * The forms of ../shared/CLI.md "Logger endpoint resolution" → a ws(s):// URL with an explicit
 * port and any path prefix kept. Plain ws:// is refused to anything but loopback, before any
 * connection is opened, because the token would travel in clear.
 */
export function resolveEndpoint(given: string, origin: EndpointOrigin): URL {
  const text = given.trim()
  const withScheme = /^[a-z][a-z\d+.-]*:\/\//i.test(text) ? text : `wss://${text}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch (error) {
    throw invalid(given, origin, 'not a URL or host[:port]', error)
  }

  const scheme = SCHEMES[url.protocol]
  if (!scheme) throw invalid(given, origin, `unsupported scheme ${url.protocol}//`)
  if (!url.hostname) throw invalid(given, origin, 'no host')
  const port = url.port || (scheme === 'wss:' ? '443' : '80')
  const prefix = url.pathname.replace(/\/+$/, '')
  const resolved = new URL(`${scheme}//${url.host.replace(/:\d+$/, '')}:${port}${prefix}`)
  if (isCleartextToRemote(resolved)) {
    throw new EndpointError(
      'CLEARTEXT_REFUSED',
      `Refusing plain ${url.protocol}// to ${resolved.host}: the token would travel in clear`,
      {
        hint: `Use wss://${resolved.hostname} (plain ws:// is only for a Traffic Controller on this machine).`,
      },
    )
  }

  return resolved
}

/** The app stream URL under the endpoint, keeping its path prefix (`wss://h:8443/p` → `…/p/apps/…`). */
export function appStreamUrl(endpoint: URL, appGuid: string): URL {
  return childUrl(endpoint, `apps/${encodeURIComponent(appGuid)}/stream`)
}

/** The Traffic Controller's older HTTP `recentlogs` for an app: the endpoint over http(s), prefix kept. */
export function recentLogsUrl(endpoint: URL, appGuid: string): URL {
  const url = childUrl(endpoint, `apps/${encodeURIComponent(appGuid)}/recentlogs`)
  url.protocol = endpoint.protocol === 'wss:' ? 'https:' : 'http:'
  return url
}

/** The firehose URL for a subscription, with the server-side filter when one applies (PROTOCOL.md §5). */
export function firehoseUrl(endpoint: URL, subscriptionId: string, filterType?: 'logs' | 'metrics'): URL {
  const url = childUrl(endpoint, `firehose/${encodeURIComponent(subscriptionId)}`)
  if (filterType) url.searchParams.set('filter-type', filterType)
  return url
}

function childUrl(endpoint: URL, path: string): URL {
  const base = endpoint.href.endsWith('/') ? endpoint.href : `${endpoint.href}/`
  return new URL(path, base)
}

/** Where a URL points, as operators write it: scheme, host and port even when it is the default. */
export function displayEndpoint(url: URL): string {
  const port = url.port || (url.protocol === 'wss:' || url.protocol === 'https:' ? '443' : '80')
  return `${url.protocol}//${url.hostname}:${port}`
}

function invalid(given: string, origin: EndpointOrigin, why: string, cause?: unknown): CfwsError {
  const message = `Invalid logger endpoint '${given}' from ${origin}: ${why}`
  const hint =
    'Accepted forms: wss://HOST[:PORT][/PREFIX], https://HOST, HOST[:PORT], or ws://127.0.0.1:PORT for a local one.'
  return origin === 'the Cloud Controller'
    ? new EndpointError('CC_INVALID_ENDPOINT', message, {cause, hint})
    : new UsageError('INVALID_ENDPOINT', message, {cause, hint})
}
