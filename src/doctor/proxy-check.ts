import {CfwsError} from '../errors.js'
import {type ProxyChoice, proxyChoiceFor} from '../net/proxy.js'
import {type DoctorReport, failedCheck} from './report.js'

/**
 * Whether HTTPS_PROXY (HTTP_PROXY for plain http) applies to this host, and why not when it is set
 * (NO_PROXY, loopback), as a stream decides it. Undefined when the proxy setting itself is broken.
 */
export function checkProxy(report: DoctorReport, url: URL): ProxyChoice | undefined {
  let choice: ProxyChoice
  try {
    choice = proxyChoiceFor(url)
  } catch (error) {
    if (!(error instanceof CfwsError)) throw error
    report.add(failedCheck('proxy', error, 0))
    return undefined
  }

  report.add({
    name: 'proxy',
    status: 'ok',
    detail:
      describeProxyChoice(url, choice) ??
      `no ${url.protocol === 'http:' || url.protocol === 'ws:' ? 'HTTP_PROXY' : 'HTTPS_PROXY'} set: direct`,
    durationMs: 0,
  })
  return choice
}

/** One clause for a host's route when a proxy is set; undefined when none is. */
export function describeProxyChoice(url: URL, choice: ProxyChoice): string | undefined {
  if (!choice.variable) return undefined
  if (choice.proxyHost) return `${choice.variable} applies to ${url.hostname}: through the proxy at ${choice.proxyHost}`
  const why = choice.bypass === 'loopback' ? `${url.hostname} is this machine` : `NO_PROXY lists ${url.hostname}`
  return `${choice.variable} is set, but ${why}: direct`
}

/** The route of an HTTP request, for a check's detail: `` when no proxy is set at all. */
export function routeNote(url: URL): string {
  try {
    const clause = describeProxyChoice(url, proxyChoiceFor(url))
    return clause ? ` (${clause})` : ''
  } catch {
    // A broken proxy setting fails the request itself, which says so.
    return ''
  }
}
