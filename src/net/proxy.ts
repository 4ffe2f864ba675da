import type {Agent} from 'node:http'

import {EndpointError, networkErrorCode, UsageError} from '../errors.js'
import {hideSecret} from '../trace.js'
import {hostOf, portOf} from './host-port.js'
import {isLoopbackHost} from './loopback.js'
import {USER_AGENT} from './user-agent.js'

/** A proxy tunnel for one connection, and what the proxy answered to its CONNECT. */
export interface ProxyRoute {
  agent: Agent
  /** `host:port` of the proxy: never its credentials. */
  proxyHost: string
  /** The variable that named the proxy (HTTPS_PROXY, http_proxy…): the one the operator must check. */
  variable: string
  /** Whether the proxy URL holds credentials, which the agent sends as Proxy-Authorization. */
  sendsCredentials: boolean
  /** The CONNECT status when it was not 200, once the proxy has answered. */
  refusedStatus(): number | undefined
  /** Whether the proxy answered the CONNECT at all (a failure before that is the proxy's). */
  answered(): boolean
  /**
   * Destroys the socket to the proxy, whatever state its CONNECT is in. Destroying the request does
   * not reach a CONNECT still waiting for its answer (agent-base holds that socket until the proxy
   * speaks), so a proxy that never answers would keep the process alive: call this once the
   * connection is given up. A tunnel in use closes with its connection.
   */
  close(): void
}

/**
 * The proxy for a URL as the cf CLI (Go's ProxyFromEnvironment) picks it: HTTPS_PROXY/https_proxy
 * for https and wss, HTTP_PROXY/http_proxy for http and ws, nothing for loopback or a NO_PROXY host.
 * Every request gets its own agent, so a refusal belongs to exactly one connection. The agent's
 * code is loaded only then: most runs have no proxy, and every run pays for what it imports.
 */
export async function proxyRouteFor(
  target: URL,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProxyRoute | undefined> {
  const {proxyUrl, variable} = proxyChoiceFor(target, env)
  if (!proxyUrl || !variable) return undefined
  // A proxy that echoes its credentials in an error must not show them on stderr: as written and decoded.
  hideSecret(proxyUrl.password)
  hideSecret(decodedOrNot(proxyUrl.password))
  const {HttpsProxyAgent} = await import('https-proxy-agent')
  // The agent hands its options to net.connect / tls.connect: the signal destroys the tunnel. Its
  // CONNECT request names cfws as every other request does.
  const tunnel = new AbortController()
  const agent = new HttpsProxyAgent(proxyUrl, {signal: tunnel.signal, headers: {'User-Agent': USER_AGENT}})
  let status: number | undefined
  agent.on('proxyConnect', (connect: {statusCode: number}) => {
    status = connect.statusCode
  })
  return {
    agent,
    proxyHost: proxyHostOf(proxyUrl),
    variable,
    sendsCredentials: proxyUrl.username !== '' || proxyUrl.password !== '',
    refusedStatus: () => (status === 200 ? undefined : status),
    answered: () => status !== undefined,
    close: () => tunnel.abort(),
  }
}

/** Which proxy a connection to a URL takes, and why none when a proxy is set: what cfws doctor tells. */
export interface ProxyChoice {
  /** The variable that names the proxy for the URL's scheme (HTTPS_PROXY…), when one is set. */
  variable?: string
  /** The proxy the connection goes through (it may hold credentials: show proxyHost); undefined: direct. */
  proxyUrl?: URL
  /** `host:port` of that proxy. */
  proxyHost?: string
  /** Why the connection goes direct although a proxy is set. */
  bypass?: 'loopback' | 'NO_PROXY'
}

export function proxyChoiceFor(target: URL, env: NodeJS.ProcessEnv = process.env): ProxyChoice {
  const variable = proxyVariable(target, env)
  const proxy = variable && env[variable]
  if (!variable || !proxy) return {}
  if (isLoopbackHost(target.hostname)) return {variable, bypass: 'loopback'}
  if (bypassesProxy(target, env.NO_PROXY ?? env.no_proxy ?? '')) return {variable, bypass: 'NO_PROXY'}
  const proxyUrl = parseProxyUrl(proxy, variable)
  return {variable, proxyUrl, proxyHost: proxyHostOf(proxyUrl)}
}

function proxyHostOf(proxyUrl: URL): string {
  return `${proxyUrl.hostname}:${proxyUrl.port || (proxyUrl.protocol === 'https:' ? 443 : 80)}`
}

function proxyVariable(target: URL, env: NodeJS.ProcessEnv): string | undefined {
  const names = isSecure(target) ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy']
  return names.find((name) => env[name])
}

/** The proxy as a URL (`HOST:PORT` alone means http://); never echoed, since it may hold a password. */
function parseProxyUrl(proxy: string, variable: string): URL {
  const text = /^[a-z][a-z\d+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`
  const url = URL.canParse(text) ? new URL(text) : undefined
  if (!url || !(url.protocol === 'http:' || url.protocol === 'https:') || !url.hostname) {
    throw new UsageError('INVALID_PROXY', `${variable} is not an http:// or https:// proxy URL`, {
      hint: `Set ${variable}=http://HOST:PORT (with USER:PASSWORD@ before HOST if the proxy wants credentials), or unset it.`,
    })
  }

  return url
}

/** NO_PROXY: comma- or space-separated hosts, `.domain` or `*.domain` suffixes, optional `:port`, or `*`. */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = hostOf(target).toLowerCase()
  const port = String(portOf(target))
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true
      const [, name, entryPort] = /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase())!
      if (entryPort && entryPort !== port) return false
      const domain = name.replace(/^\*?\./, '')
      return host === domain || host.endsWith(`.${domain}`)
    })
}

/** The proxy refused to open the tunnel (407, 403, 502…): said with its own words, exit 6. */
function proxyRefused(route: ProxyRoute, status: number, target: URL): EndpointError {
  // Not in URL form: the stderr redactor hides whatever sits between // and @.
  const hint =
    status !== 407
      ? `Check ${route.variable} and NO_PROXY, and that the proxy allows CONNECT to this host and port.`
      : route.sendsCredentials
        ? `The proxy refused the credentials in ${route.variable}: check USER and PASSWORD (percent-encode @, : and % in them), or add the host to NO_PROXY.`
        : `The proxy wants credentials: write USER:PASSWORD@ before its host in ${route.variable}, or add the host to NO_PROXY.`
  return new EndpointError(
    'PROXY_REFUSED',
    `The proxy at ${route.proxyHost} refused a tunnel to ${hostAndPort(target)} (${status})`,
    {hint},
  )
}

/**
 * A failure on a proxied connection, told as the proxy's when it is: a refused CONNECT, or no
 * answer from the proxy at all. Undefined when the tunnel stood and the failure is the server's.
 */
export function proxyFailure(route: ProxyRoute | undefined, target: URL, cause?: unknown): EndpointError | undefined {
  if (!route) return undefined
  const refused = route.refusedStatus()
  // https-proxy-agent reads the status off the answer's first line: NaN when that is not HTTP.
  if (refused !== undefined && !Number.isInteger(refused)) return proxyNotHttp(route, target, cause)
  if (refused === undefined && isMalformedConnectAnswer(cause)) return proxyNotHttp(route, target, cause)
  if (refused !== undefined) return proxyRefused(route, refused, target)
  if (route.answered() || cause === undefined) return undefined
  const code = networkErrorCode(cause)
  if (code !== undefined && TIMEOUT_CODES.has(code)) return proxySilent(route, target, cause)
  // https-proxy-agent rejects with an Error of no code when the proxy ends the connection before
  // its answer (parse-proxy-response.ts); a reset says the same less politely.
  if (code === undefined || CLOSED_CODES.has(code)) return proxyClosed(route, target, cause)
  return proxyUnreachable(route, cause)
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'HANDSHAKE_TIMEOUT'])
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE'])
const proxySettings = (route: ProxyRoute): string =>
  `${route.variable} (or unset it), and NO_PROXY for hosts that must not go through it.`

/**
 * https-proxy-agent's rejection of a CONNECT answer whose status line parsed but whose headers did
 * not (parse-proxy-response.ts raises these without a code): the proxy answered, not in HTTP.
 */
function isMalformedConnectAnswer(cause: unknown): boolean {
  return cause instanceof Error && /^(Invalid|No) header (received )?from proxy CONNECT response/.test(cause.message)
}

/** The proxy took the connection but never answered the CONNECT: as any timeout (TIMEOUT, retried by a stream). */
function proxySilent(route: ProxyRoute, target: URL, cause: unknown): EndpointError {
  return new EndpointError(
    'TIMEOUT',
    `The proxy at ${route.proxyHost} did not answer the CONNECT to ${hostAndPort(target)} in time`,
    {
      cause,
      hint: `Check ${proxySettings(route)}`,
    },
  )
}

/** The proxy took the connection, then closed it rather than answer the CONNECT: reached, so not "cannot reach". */
function proxyClosed(route: ProxyRoute, target: URL, cause: unknown): EndpointError {
  return new EndpointError(
    'PROXY_UNREACHABLE',
    `The proxy at ${route.proxyHost} closed the connection instead of answering the CONNECT to ${hostAndPort(target)}`,
    {
      cause,
      hint: `It may not allow a tunnel to this host and port: check ${proxySettings(route)}`,
    },
  )
}

/** What answered the CONNECT was no HTTP proxy: another service on that port, or a TLS one. */
function proxyNotHttp(route: ProxyRoute, target: URL, cause: unknown): EndpointError {
  return new EndpointError(
    'PROXY_REFUSED',
    `The proxy at ${route.proxyHost} answered the CONNECT to ${hostAndPort(target)} with something that is not HTTP`,
    {
      cause,
      hint: `Another service may listen on that port, or the proxy wants TLS (https:// in ${route.variable}): check ${route.variable}.`,
    },
  )
}

function proxyUnreachable(route: ProxyRoute, cause: unknown): EndpointError {
  return new EndpointError('PROXY_UNREACHABLE', `Cannot reach the proxy at ${route.proxyHost}`, {
    cause,
    hint: `Check ${proxySettings(route)}`,
  })
}

function isSecure(target: URL): boolean {
  return target.protocol === 'https:' || target.protocol === 'wss:'
}

function hostAndPort(target: URL): string {
  return `${target.hostname}:${portOf(target)}`
}

/** A URL's password as the proxy reads it; as written when its escapes are not UTF-8 (`%ff`). */
function decodedOrNot(password: string): string {
  try {
    return decodeURIComponent(password.replaceAll(/%(?![\da-f]{2})/gi, '%25'))
  } catch {
    return password
  }
}
