import {LogMessageDecoder} from '../envelope/decode.js'
import {EndpointError} from '../errors.js'
import type {StreamKind} from '../stream/handshake-failure.js'
import {type DoctorReport, failedCheck} from './report.js'
import {trafficControllerTimeout} from './socket-probes.js'
import {runTimed} from './timed-step.js'
import type {OpenProbe} from './upgrade-probe.js'

export const KEEPALIVE_WAIT_MS = 5000
export const FIRST_ENVELOPE_WAIT_MS = 5000

/**
 * The server's first ping, or an answer to cfws's own: the connection is alive both ways. Resolves
 * false when the stream closed meanwhile (a failure): there is no first envelope to wait for then.
 */
export async function checkKeepalive(report: DoctorReport, opened: OpenProbe, signal: AbortSignal): Promise<boolean> {
  const sentAt = performance.now()
  const pong = new Promise<number>((resolve) => opened.socket.once('pong', () => resolve(performance.now())))
  opened.socket.ping()
  const step = await runTimed(
    async () =>
      Promise.race([
        opened.serverPing.then((at) => ({by: 'server', at})),
        pong.then((at) => ({by: 'cfws', at})),
        failOnClose(opened),
      ]),
    {
      timeoutMs: KEEPALIVE_WAIT_MS,
      signal,
      timedOut: () => trafficControllerTimeout(new URL(opened.socket.url)),
    },
  )
  if (step.ok) {
    const detail =
      step.value.by === 'server'
        ? `the server pinged ${Math.round(step.value.at - opened.openedAt)} ms after the upgrade`
        : `the server answered cfws's ping in ${Math.round(step.value.at - sentAt)} ms`
    report.add({name: 'keepalive', status: 'ok', detail, durationMs: step.durationMs})
    return true
  }

  if (signal.aborted) return true
  if (step.error.code === 'STREAM_CLOSED') {
    report.add(failedCheck('keepalive', step.error, step.durationMs))
    return false
  }

  report.add({
    name: 'keepalive',
    status: 'warn',
    detail: `no ping from the server and no answer to cfws's ping within ${KEEPALIVE_WAIT_MS / 1000}s`,
    durationMs: step.durationMs,
    fix: 'Something between cfws and the Traffic Controller holds back WebSocket control frames; cfws reconnects after --idle-timeout of silence.',
  })
  return true
}

export async function checkFirstEnvelope(
  report: DoctorReport,
  opened: OpenProbe,
  kind: StreamKind,
  signal: AbortSignal,
): Promise<void> {
  // A frame that came before the close still counts: it is first in the race.
  const step = await runTimed(async () => Promise.race([opened.firstFrame, failOnClose(opened)]), {
    timeoutMs: FIRST_ENVELOPE_WAIT_MS,
    signal,
    timedOut: () => trafficControllerTimeout(new URL(opened.socket.url)),
  })
  if (step.ok) {
    report.add({
      name: 'first envelope',
      status: 'ok',
      detail: `${describeFrame(step.value.frame)} ${Math.round(step.value.at - opened.openedAt)} ms after the upgrade`,
      durationMs: step.durationMs,
    })
    return
  }

  if (signal.aborted) return
  if (step.error.code === 'STREAM_CLOSED') {
    report.add(failedCheck('first envelope', step.error, step.durationMs))
    return
  }

  const quiet =
    kind === 'app'
      ? 'the app logged nothing meanwhile (a quiet app is not a fault: cfws logs shows lines as they come)'
      : 'the firehose sent nothing meanwhile'
  report.add({
    name: 'first envelope',
    status: 'warn',
    detail: `none within ${FIRST_ENVELOPE_WAIT_MS / 1000}s: ${quiet}`,
    durationMs: step.durationMs,
  })
}

/**
 * Rejects when the stream closes: a server that accepts the token and then drops the connection
 * streams nothing, however quiet the app. Said as `cfws logs` says the close it would retry.
 */
async function failOnClose(opened: OpenProbe): Promise<never> {
  const {why, at} = await opened.closed
  throw new EndpointError(
    'STREAM_CLOSED',
    `Connection lost ${Math.round(at - opened.openedAt)} ms after the upgrade (${why})`,
    {
      hint: 'The upgrade went through, then the stream ended: cfws logs would reconnect again and again. A close code and reason come from the server (the Traffic Controller, or a load balancer in front of it) and say why; a drop without a close frame (1006) is often a load balancer or proxy that cuts WebSocket connections. Give your platform team this report (cfws doctor --json).',
    },
  )
}

function describeFrame(frame: Buffer): string {
  const decoded = new LogMessageDecoder().decode(frame)
  if (!decoded.ok) return `a ${frame.length}-byte frame that is not a dropsonde envelope (${decoded.reason})`
  const log = decoded.envelope.logMessage
  return log
    ? `a LogMessage from [${log.sourceType ?? '?'}/${log.sourceInstance ?? '?'}]`
    : `an envelope (${frame.length} bytes) without a log message`
}
