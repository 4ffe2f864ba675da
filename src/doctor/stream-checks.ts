import {LogMessageDecoder} from '../envelope/decode.js'
import type {StreamKind} from '../stream/handshake-failure.js'
import type {DoctorReport} from './report.js'
import {trafficControllerTimeout} from './socket-probes.js'
import {runTimed} from './timed-step.js'
import type {OpenProbe} from './upgrade-probe.js'

export const KEEPALIVE_WAIT_MS = 5000
export const FIRST_ENVELOPE_WAIT_MS = 5000

/** The server's first ping, or an answer to cfws's own: the connection is alive both ways. */
export async function checkKeepalive(report: DoctorReport, opened: OpenProbe, signal: AbortSignal): Promise<void> {
  const sentAt = performance.now()
  const pong = new Promise<number>((resolve) => opened.socket.once('pong', () => resolve(performance.now())))
  opened.socket.ping()
  const step = await runTimed(
    async () =>
      Promise.race([opened.serverPing.then((at) => ({by: 'server', at})), pong.then((at) => ({by: 'cfws', at}))]),
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
    return
  }

  if (signal.aborted) return
  report.add({
    name: 'keepalive',
    status: 'warn',
    detail: `no ping from the server and no answer to cfws's ping within ${KEEPALIVE_WAIT_MS / 1000}s`,
    durationMs: step.durationMs,
    fix: 'Something between cfws and the Traffic Controller holds back WebSocket control frames; cfws reconnects after --idle-timeout of silence.',
  })
}

export async function checkFirstEnvelope(
  report: DoctorReport,
  opened: OpenProbe,
  kind: StreamKind,
  signal: AbortSignal,
): Promise<void> {
  const step = await runTimed(async () => opened.firstFrame, {
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

function describeFrame(frame: Buffer): string {
  const decoded = new LogMessageDecoder().decode(frame)
  if (!decoded.ok) return `a ${frame.length}-byte frame that is not a dropsonde envelope (${decoded.reason})`
  const log = decoded.envelope.logMessage
  return log
    ? `a LogMessage from [${log.sourceType ?? '?'}/${log.sourceInstance ?? '?'}]`
    : `an envelope (${frame.length} bytes) without a log message`
}
