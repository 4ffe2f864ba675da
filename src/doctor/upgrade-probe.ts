import type WebSocket from 'ws'

import {bearerHeader, type TokenHolder} from '../cf/tokens.js'
import {CfwsError} from '../errors.js'
import {visibleControls} from '../render/visible-controls.js'
import {openStream} from '../stream/connect.js'
import {type HandshakeAnswer, headerValue, type StreamKind} from '../stream/handshake-failure.js'
import {REQUEST_GRACE_MS, runTimed, type Timed} from './timed-step.js'

export const UPGRADE_STEP_MS = 5000
const BODY_EXCERPT_CHARS = 120
const CLOSE_GRACE_MS = 300

/** An upgraded socket under observation: when the server first pinged, and the first frame. */
export interface OpenProbe {
  socket: WebSocket
  openedAt: number
  /** Resolves with the time of the server's first ping. */
  serverPing: Promise<number>
  /** Resolves with the first frame and when it came. */
  firstFrame: Promise<{frame: Buffer; at: number}>
  /** Resolves when the socket closed, with why in the words of `cfws logs` (see whyClosed), and when. */
  closed: Promise<{why: string; at: number}>
  /** Closes cleanly, cut after a short grace. */
  close(): void
}

export interface UpgradeOutcome {
  /** What the server answered, when it answered at all (a refused connection has no answer). */
  answer?: HandshakeAnswer
  opened?: OpenProbe
}

/** The step, and what the server answered whether it passed or not. */
export type UpgradeStep = Timed<UpgradeOutcome> & {value: UpgradeOutcome}

export interface UpgradeRequest {
  url: URL
  kind: StreamKind
  verifyTls: boolean
  signal: AbortSignal
  /** The whole Authorization value; absent for the probe without a token. */
  authorization?: string
}

/**
 * One upgrade through openStream (the proxy, TLS policy and answer classification of a stream),
 * keeping what the server answered. Resolves when it upgraded or the server refused in a way that
 * says something (401 without a token); any other failure is the step's error.
 */
export async function probeUpgrade(request: UpgradeRequest, timedOut: () => CfwsError): Promise<UpgradeStep> {
  const outcome: UpgradeOutcome = {}
  let resolvePing: (at: number) => void = () => {}
  let resolveFrame: (first: {frame: Buffer; at: number}) => void = () => {}
  const serverPing = new Promise<number>((resolve) => (resolvePing = resolve))
  const firstFrame = new Promise<{frame: Buffer; at: number}>((resolve) => (resolveFrame = resolve))
  // Taken in 'open', before the frames and pings that came with the 101: none can seem to precede it.
  let openedAt = 0
  const step = await runTimed(
    async (signal) => {
      const {socket, closed} = await openStream({
        url: request.url,
        kind: request.kind,
        authorization: request.authorization,
        verifyTls: request.verifyTls,
        handshakeTimeoutMs: UPGRADE_STEP_MS,
        signal,
        onFrame: (frame) => resolveFrame({frame, at: performance.now()}),
        onOpen(opened) {
          openedAt = performance.now()
          opened.once('ping', () => resolvePing(performance.now()))
        },
        onAnswer: (answer) => (outcome.answer = answer),
      })
      outcome.opened = {
        socket,
        openedAt,
        serverPing,
        firstFrame,
        closed: closed.then((why) => ({why, at: performance.now()})),
        close: () => closeSoon(socket),
      }
      return outcome
    },
    {timeoutMs: UPGRADE_STEP_MS + REQUEST_GRACE_MS, signal: request.signal, timedOut},
  )
  // A Traffic Controller answers an upgrade without a token with 401: the upgrade itself passed.
  if (!step.ok && request.authorization === undefined && outcome.answer?.status === 401)
    return {ok: true, value: outcome, durationMs: step.durationMs}
  return {...step, value: outcome}
}

/** The upgrade with the token, refreshed once when the server refuses it (as a stream does). */
export async function probeWithToken(
  request: Omit<UpgradeRequest, 'authorization'>,
  tokens: TokenHolder,
  timedOut: () => CfwsError,
): Promise<UpgradeStep> {
  const first = await probeUpgrade({...request, authorization: bearerHeader(await tokens.validToken())}, timedOut)
  if (first.ok || !first.error.refreshable || request.signal.aborted) return first
  let token: string
  try {
    token = await tokens.refresh()
  } catch (error) {
    if (error instanceof CfwsError) return {ok: false, error, durationMs: first.durationMs, value: first.value}
    throw error
  }

  const second = await probeUpgrade({...request, authorization: bearerHeader(token)}, timedOut)
  return {...second, durationMs: first.durationMs + second.durationMs}
}

/** The answer as an operator needs it: status, the upgrade headers, the router's error, the server, the body's start. */
export function describeAnswer(answer: HandshakeAnswer): string {
  const parts = [`${answer.status}${answer.statusMessage ? ` ${answer.statusMessage}` : ''}`]
  const upgrade = headerValue(answer.headers, 'upgrade')
  const connection = headerValue(answer.headers, 'connection')
  if (answer.status === 101 || upgrade) parts.push(`Upgrade: ${upgrade ?? '(none)'}`)
  else parts.push('no Upgrade header')
  if (connection) parts.push(`Connection: ${connection}`)
  for (const name of ['X-Cf-Routererror', 'Server', 'Content-Type']) {
    const value = headerValue(answer.headers, name.toLowerCase())
    if (value) parts.push(`${name}: ${value}`)
  }

  const body = answer.body.trim()
  if (body)
    parts.push(
      `body "${visibleControls(body.length > BODY_EXCERPT_CHARS ? `${body.slice(0, BODY_EXCERPT_CHARS)}…` : body)}"`,
    )
  return parts.join('; ')
}

function closeSoon(socket: WebSocket): void {
  socket.close(1000)
  setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref()
}
