import {isIP} from 'node:net'

import type {TokenHolder} from '../cf/tokens.js'
import type {StreamKind} from '../stream/handshake-failure.js'
import {shownEndpoint} from './endpoint-chain.js'
import type {CandidateResult, DoctorReport} from './report.js'
import {trafficControllerTimeout} from './socket-probes.js'
import {describeAnswer, probeUpgrade, probeWithToken} from './upgrade-probe.js'

/**
 * Where cf-deployment and load balancers offer the Traffic Controller: 443, the logger endpoint's
 * TCP port 4443, and 8443 on some load balancers (Cloud Foundry docs "Supporting WebSockets").
 */
export const CANDIDATE_PORTS = [443, 4443, 8443] as const
const LOGGER_HOST_LABELS = new Set(['doppler', 'ws', 'loggregator'])

/**
 * The foundation's system domain: the Cloud Controller's `api.` host without `api.` (the
 * foundation's own name for itself), else the logger endpoint's host without its first label.
 */
export function systemDomainOf(target: string, endpoint?: URL): string | undefined {
  const api = URL.canParse(target) ? new URL(target).hostname.toLowerCase() : ''
  if (api.startsWith('api.') && api.split('.').length > 2) return api.slice('api.'.length)
  const host = endpoint?.hostname.toLowerCase() ?? ''
  if (!host || isIP(host.replace(/^\[|\]$/g, '')) || host === 'localhost') return undefined
  const labels = host.split('.')
  if (labels.length < 3 && !LOGGER_HOST_LABELS.has(labels[0])) return undefined
  return labels.length > 1 ? labels.slice(1).join('.') : undefined
}

/**
 * What to try besides the configured endpoint: its host, `doppler.` and `ws.` of the system domain,
 * each on 443, 4443 and 8443, over TLS, the path prefix kept; never the configured one again.
 */
export function candidateEndpoints(systemDomain: string | undefined, configured?: URL): URL[] {
  const hosts = [
    configured?.hostname,
    systemDomain && `doppler.${systemDomain}`,
    systemDomain && `ws.${systemDomain}`,
  ].filter((host): host is string => Boolean(host))
  const prefix = configured?.pathname.replace(/\/+$/, '') ?? ''
  const keyOf = (url: URL): string => `${url.hostname}:${url.port || 443}${prefix}`
  const seen = new Set(configured?.protocol === 'wss:' ? [keyOf(configured)] : [])
  const candidates: URL[] = []
  for (const host of new Set(hosts.map((name) => name.toLowerCase()))) {
    for (const port of CANDIDATE_PORTS) {
      const url = new URL(`wss://${host}:${port}${prefix}`)
      if (seen.has(keyOf(url))) continue
      seen.add(keyOf(url))
      candidates.push(url)
    }
  }

  return candidates
}

/** The token goes only to a host of the foundation's own system domain, and only over TLS. */
export function mayReceiveToken(url: URL, systemDomain: string | undefined): boolean {
  if (url.protocol !== 'wss:' || !systemDomain) return false
  const host = url.hostname.toLowerCase()
  return host === systemDomain || host.endsWith(`.${systemDomain}`)
}

export interface CandidateSearch {
  candidates: URL[]
  systemDomain?: string
  /** The stream to try on each: same path under every candidate. */
  streamPath: (endpoint: URL) => URL
  kind: StreamKind
  tokens?: TokenHolder
  verifyTls: boolean
  signal: AbortSignal
}

/**
 * Tries every candidate at once: the upgrade without a token first (401 proves upgrades pass),
 * then, where the rules allow, with the token. Reports them in the order given; resolves with the
 * best: one that opened a stream, else one whose upgrade passed.
 */
export async function probeCandidates(report: DoctorReport, search: CandidateSearch): Promise<URL | undefined> {
  const results = await Promise.all(search.candidates.map(async (candidate) => probeCandidate(candidate, search)))
  for (const result of results) report.addCandidate(result)
  const best = results.findIndex((result) => result.streamOpened)
  const passing = best === -1 ? results.findIndex((result) => result.status === 'ok') : best
  return passing === -1 ? undefined : search.candidates[passing]
}

async function probeCandidate(candidate: URL, search: CandidateSearch): Promise<CandidateResult> {
  const endpoint = shownEndpoint(candidate)
  const request = {
    url: search.streamPath(candidate),
    kind: search.kind,
    verifyTls: search.verifyTls,
    signal: search.signal,
  }
  const timedOut = (): ReturnType<typeof trafficControllerTimeout> => trafficControllerTimeout(candidate)
  const anonymous = await probeUpgrade(request, timedOut)
  if (!anonymous.ok) {
    const answer = anonymous.value.answer
    return {
      endpoint,
      status: 'fail',
      detail: answer ? `${describeAnswer(answer)}: ${anonymous.error.message}` : anonymous.error.message,
      durationMs: anonymous.durationMs,
      streamOpened: false,
    }
  }

  anonymous.value.opened?.close()
  const passes =
    anonymous.value.answer?.status === 401 ? 'upgrades pass (401 without the token)' : 'upgraded without a token'
  if (!search.tokens)
    return {
      endpoint,
      status: 'ok',
      detail: `${passes}; the token was not tried`,
      durationMs: anonymous.durationMs,
      streamOpened: false,
    }
  if (!mayReceiveToken(candidate, search.systemDomain)) {
    return {
      endpoint,
      status: 'ok',
      detail: `${passes}; the token was not sent: not a host of ${search.systemDomain ?? 'the foundation'}`,
      durationMs: anonymous.durationMs,
      streamOpened: false,
    }
  }

  const withToken = await probeWithToken(request, search.tokens, timedOut)
  const durationMs = anonymous.durationMs + withToken.durationMs
  if (!withToken.ok)
    return {
      endpoint,
      status: 'warn',
      detail: `${passes}, but with the token: ${withToken.error.message}`,
      durationMs,
      streamOpened: false,
    }
  withToken.value.opened?.close()
  return {endpoint, status: 'ok', detail: `${passes}; token accepted: a stream opened`, durationMs, streamOpened: true}
}

/** The exact commands that use `endpoint`: the run's own command with --endpoint, then the variable. */
export function commandsFor(endpoint: URL, stream: {kind: 'app' | 'firehose' | 'none'; app?: string}): string[] {
  const shown = shownEndpoint(endpoint)
  const command =
    stream.kind === 'firehose'
      ? 'cfws firehose'
      : `cfws logs ${stream.app === undefined ? 'APP' : shellWord(stream.app)}`
  return [`${command} --endpoint ${shown}`, `export CFWS_LOGGER_ENDPOINT=${shown}`]
}

/** A word the shell takes as it is: quoted when it holds anything but plain characters. */
function shellWord(word: string): string {
  return /^[\w.,:@%+=/-]+$/.test(word) ? word : `'${word.replaceAll("'", String.raw`'\''`)}'`
}
