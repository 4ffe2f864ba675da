import type {TokenHolder} from '../cf/tokens.js'
import {displayEndpoint} from '../endpoint/resolve.js'
import type {StreamKind} from '../stream/handshake-failure.js'
import {type DoctorReport, failedCheck} from './report.js'
import {proxyRouteFor} from '../net/proxy.js'
import {checkProxy} from './proxy-check.js'
import {
  certificateProblem,
  connectOnce,
  DNS_STEP_MS,
  inspectTls,
  inspectTlsThroughProxy,
  resolveHost,
  TCP_STEP_MS,
  TLS_STEP_MS,
  trafficControllerTimeout,
  type TlsFindings,
} from './socket-probes.js'
import {runTimed} from './timed-step.js'
import {checkFirstEnvelope, checkKeepalive} from './stream-checks.js'
import {describeAnswer, probeUpgrade, probeWithToken} from './upgrade-probe.js'

export interface ChainTarget {
  /** The endpoint as resolved (scheme, host, port, prefix). */
  endpoint: URL
  /** What is streamed from it: the app, the firehose, or a placeholder app when neither was asked for. */
  streamUrl: URL
  kind: StreamKind
  /** The token to try the stream with; undefined when there is no usable token or nothing to stream. */
  tokens?: TokenHolder
  /** Why the token is not tried, when it is not. */
  noTokenReason?: string
  verifyTls: boolean
  signal: AbortSignal
}

export interface ChainOutcome {
  /** DNS, TCP, TLS and the upgrade passed: the endpoint takes WebSocket upgrades. */
  upgradePasses: boolean
  /** The token was accepted and a stream opened. */
  streamOpened: boolean
}

const LATER = ['dns', 'tcp', 'tls', 'upgrade', 'auth', 'keepalive', 'first envelope']

/**
 * Walks the endpoint as a stream does: DNS, TCP, TLS, the upgrade without the token (a Traffic
 * Controller answers 401, which proves upgrades pass), with it, keepalive, the first envelope. A
 * failure skips only what needs it.
 */
export async function checkEndpointChain(report: DoctorReport, target: ChainTarget): Promise<ChainOutcome> {
  const {endpoint, signal} = target
  const timedOut = (): ReturnType<typeof trafficControllerTimeout> => trafficControllerTimeout(endpoint)
  const failed = (from: string, why: string): ChainOutcome => {
    for (const name of LATER.slice(LATER.indexOf(from))) report.skip(name, why)
    return {upgradePasses: false, streamOpened: false}
  }

  const proxy = checkProxy(report, endpoint)
  if (!proxy) return failed('dns', 'needs a valid proxy setting')
  const reached = proxy.proxyHost
    ? await checkTunnel(report, target, proxy.proxyHost)
    : await checkDirect(report, target)
  if (reached !== true) return failed(reached, `needs ${LATER[LATER.indexOf(reached) - 1]}`)
  const upgrade = await probeUpgrade(
    {url: target.streamUrl, kind: target.kind, verifyTls: target.verifyTls, signal},
    timedOut,
  )
  const answer = upgrade.value?.answer
  if (!upgrade.ok) {
    report.add(failedCheck('upgrade', upgrade.error, upgrade.durationMs, answer ? describeAnswer(answer) : undefined))
    return failed('auth', 'needs the upgrade')
  }

  upgrade.value.opened?.close()
  const how =
    answer?.status === 401
      ? 'upgrades pass (a Traffic Controller answers 401 without a token)'
      : 'upgraded without a token'
  report.add({
    name: 'upgrade',
    status: 'ok',
    detail: `${how}: ${answer ? describeAnswer(answer) : 'no answer recorded'}`,
    durationMs: upgrade.durationMs,
  })
  if (!target.tokens) {
    for (const name of LATER.slice(LATER.indexOf('auth'))) report.skip(name, target.noTokenReason ?? 'no token to try')
    return {upgradePasses: true, streamOpened: false}
  }

  const auth = await probeWithToken(
    {url: target.streamUrl, kind: target.kind, verifyTls: target.verifyTls, signal},
    target.tokens,
    timedOut,
  )
  if (!auth.ok) {
    const authAnswer = auth.value?.answer
    report.add(failedCheck('auth', auth.error, auth.durationMs, authAnswer ? describeAnswer(authAnswer) : undefined))
    for (const name of ['keepalive', 'first envelope']) report.skip(name, 'needs auth')
    return {upgradePasses: true, streamOpened: false}
  }

  const opened = auth.value.opened!
  report.add({
    name: 'auth',
    status: 'ok',
    detail: `token accepted: ${auth.value.answer ? describeAnswer(auth.value.answer) : '101'}`,
    durationMs: auth.durationMs,
  })
  try {
    if (await checkKeepalive(report, opened, signal)) await checkFirstEnvelope(report, opened, target.kind, signal)
    else report.skip('first envelope', 'the stream closed')
  } finally {
    opened.close()
  }

  return {upgradePasses: true, streamOpened: true}
}

/** DNS, TCP and TLS straight to the endpoint; true when all passed, else the first step that could not run. */
async function checkDirect(report: DoctorReport, target: ChainTarget): Promise<true | string> {
  const {endpoint, signal} = target
  const timedOut = (): ReturnType<typeof trafficControllerTimeout> => trafficControllerTimeout(endpoint)
  const dns = await runTimed(async () => resolveHost(endpoint), {timeoutMs: DNS_STEP_MS, signal, timedOut})
  if (!dns.ok) {
    report.add(failedCheck('dns', dns.error, dns.durationMs))
    return 'tcp'
  }

  report.add({
    name: 'dns',
    status: 'ok',
    detail: `${endpoint.hostname} → ${dns.value.join(', ')}`,
    durationMs: dns.durationMs,
  })
  const [address] = dns.value
  const tcp = await runTimed(async (stepSignal) => connectOnce(endpoint, address, stepSignal), {
    timeoutMs: TCP_STEP_MS,
    signal,
    timedOut,
  })
  if (!tcp.ok) {
    report.add(failedCheck('tcp', tcp.error, tcp.durationMs))
    return 'tls'
  }

  report.add({
    name: 'tcp',
    status: 'ok',
    detail: `connected to ${address}:${endpoint.port}`,
    durationMs: tcp.durationMs,
  })
  if (endpoint.protocol !== 'wss:') {
    report.skip('tls', `plain ${endpoint.protocol}// (allowed only to this machine)`)
    return true
  }

  const tls = await runTimed(async (stepSignal) => inspectTls(endpoint, address, stepSignal), {
    timeoutMs: TLS_STEP_MS,
    signal,
    timedOut,
  })
  if (!tls.ok) {
    report.add(failedCheck('tls', tls.error, tls.durationMs))
    return 'upgrade'
  }

  return judgeTls(report, target, tls.value, tls.durationMs) ? true : 'upgrade'
}

/** The proxy resolves and connects: the tunnel stands for TCP, and the TLS inside it is the stream's. */
async function checkTunnel(report: DoctorReport, target: ChainTarget, proxyHost: string): Promise<true | string> {
  const {endpoint, signal} = target
  report.skip('dns', `the proxy at ${proxyHost} resolves ${endpoint.hostname}`)
  const route = (await proxyRouteFor(endpoint))!
  const step = await runTimed(async (stepSignal) => inspectTlsThroughProxy(endpoint, route, stepSignal), {
    timeoutMs: TCP_STEP_MS + TLS_STEP_MS,
    signal,
    timedOut: () => trafficControllerTimeout(endpoint),
  })
  route.close()
  const tunnelStood = route.answered() && route.refusedStatus() === undefined
  if (!step.ok && !tunnelStood) {
    report.add(failedCheck('tcp', step.error, step.durationMs))
    return 'tls'
  }

  report.add({
    name: 'tcp',
    status: 'ok',
    detail: `tunnel to ${endpoint.hostname}:${endpoint.port} through the proxy at ${proxyHost}`,
    durationMs: step.durationMs,
  })
  if (!step.ok) {
    report.add(failedCheck('tls', step.error, step.durationMs))
    return 'upgrade'
  }

  return judgeTls(report, target, step.value, step.durationMs) ? true : 'upgrade'
}

function judgeTls(report: DoctorReport, target: ChainTarget, findings: TlsFindings, durationMs: number): boolean {
  const detail = describeTls(findings)
  const problem = certificateProblem(target.endpoint, findings)
  if (!problem) {
    report.add({name: 'tls', status: 'ok', detail: `${detail}; trusted`, durationMs})
    return true
  }

  if (!target.verifyTls) {
    report.add({
      name: 'tls',
      status: 'warn',
      detail: `${detail}; not verified (--skip-ssl-validation or SSLDisabled)`,
      durationMs,
      cause: problem.message,
      fix: problem.hint,
    })
    return true
  }

  report.add(failedCheck('tls', problem, durationMs, detail))
  return false
}

function describeTls(findings: TlsFindings): string {
  return `${findings.protocol}, ${findings.chain.join(' ← ')}, expires ${findings.validTo.toISOString().slice(0, 10)}, names ${findings.names.join(' ')}`
}

/** The endpoint as shown in the report and in commands. */
export function shownEndpoint(endpoint: URL): string {
  return displayEndpoint(endpoint) + endpoint.pathname.replace(/\/$/, '')
}
