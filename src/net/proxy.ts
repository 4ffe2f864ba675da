import type {Agent} from 'node:http'

import {EndpointError} from '../errors.js'
import {isLoopbackHost} from './loopback.js'

/** A proxy tunnel for one connection, and what the proxy answered to its CONNECT. */
export interface ProxyRoute {
  agent: Agent
  /** `host:port` of the proxy: never its credentials. */
  proxyHost: string
  /** The CONNECT status when it was not 200, once the proxy has answered. */
  refusedStatus(): number | undefined
  /** Whether the proxy answered the CONNECT at all (a failure before that is the proxy's). */
  answered(): boolean
}

/**
 * The proxy for a URL as the cf CLI (Go's ProxyFromEnvironment) picks it: HTTPS_PROXY/https_proxy
 * for https and wss, HTTP_PROXY/http_proxy for http and ws, nothing for loopback or a NO_PROXY host.
 * Every request gets its own agent, so a refusal belongs to exactly one connection. The agent's
 * code is loaded only then: most runs have no proxy, and every run pays for what it imports.
 */
export async function proxyRouteFor(target: URL, env: NodeJS.ProcessEnv = process.env): Promise<ProxyRoute | undefined> {
  const secure = target.protocol === 'https:' || target.protocol === 'wss:'
  const proxy = secure ? env.HTTPS_PROXY || env.https_proxy : env.HTTP_PROXY || env.http_proxy
  if (!proxy || isLoopbackHost(target.hostname) || bypassesProxy(target, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined

  const proxyUrl = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`)
  const {HttpsProxyAgent} = await import('https-proxy-agent')
  const agent = new HttpsProxyAgent(proxyUrl)
  let status: number | undefined
  agent.on('proxyConnect', (connect: {statusCode: number}) => {
    status = connect.statusCode
  })
  return {
    agent,
    proxyHost: `${proxyUrl.hostname}:${proxyUrl.port || (proxyUrl.protocol === 'https:' ? 443 : 80)}`,
    refusedStatus: () => (status === 200 ? undefined : status),
    answered: () => status !== undefined,
  }
}

/** NO_PROXY: comma- or space-separated hosts, `.domain` or `*.domain` suffixes, optional `:port`, or `*`. */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = target.port || (target.protocol === 'https:' || target.protocol === 'wss:' ? '443' : '80')
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
  const hint =
    status === 407
      ? 'The proxy wants credentials: put them in the proxy URL (HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT), or add the host to NO_PROXY.'
      : 'Check HTTPS_PROXY and NO_PROXY, and that the proxy allows CONNECT to this host and port.'
  return new EndpointError('PROXY_REFUSED', `The proxy at ${route.proxyHost} refused a tunnel to ${target.hostname}:${target.port || 443} (${status})`, {hint})
}

/**
 * A failure on a proxied connection, told as the proxy's when it is: a refused CONNECT, or no
 * answer from the proxy at all. Undefined when the tunnel stood and the failure is the server's.
 */
export function proxyFailure(route: ProxyRoute | undefined, target: URL, cause?: unknown): EndpointError | undefined {
  if (!route) return undefined
  const refused = route.refusedStatus()
  if (refused !== undefined) return proxyRefused(route, refused, target)
  return route.answered() || cause === undefined ? undefined : proxyUnreachable(route, cause)
}

function proxyUnreachable(route: ProxyRoute, cause: unknown): EndpointError {
  return new EndpointError('PROXY_UNREACHABLE', `Cannot reach the proxy at ${route.proxyHost}`, {
    cause,
    hint: 'Check HTTPS_PROXY (or unset it), and NO_PROXY for hosts that must not go through it.',
  })
}
