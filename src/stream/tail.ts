import {setTimeout as sleep} from 'node:timers/promises'

import type {WebSocket} from 'ws'

import {bearerHeader, type TokenHolder} from '../cf/tokens.js'
import {displayEndpoint} from '../endpoint/resolve.js'
import {CfwsError, EndpointError} from '../errors.js'
import {openStream, type OpenedStream} from './connect.js'
import type {StreamKind} from './handshake-failure.js'
import {watchIdle} from './idle-watchdog.js'
import {keepAliveWithPings} from './keepalive-pings.js'
import type {ReadGate} from './read-gate.js'

export type {ReadGate} from './read-gate.js'

export interface RetryPolicy {
  initialDelayMs: number
  maxDelayMs: number
  /** Failed reconnects in a row before giving up; undefined: never give up. */
  maxRetries?: number
  /** A connection that lived this long starts the backoff over. */
  stableAfterMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {initialDelayMs: 500, maxDelayMs: 30_000, stableAfterMs: 60_000}

export interface TailOptions {
  url: URL
  kind: StreamKind
  tokens: TokenHolder
  verifyTls: boolean
  handshakeTimeoutMs: number
  /**
   * Reconnect when no frame, ping or pong arrived for this long (the server pings every ~15 s; below
   * 30 s cfws pings too, keepalive-pings.ts).
   */
  idleTimeoutMs: number
  retry: RetryPolicy
  /** Ends the stream in every phase (handshake, token fetch, backoff, open socket) well within 1 s. */
  signal: AbortSignal
  /** Pauses reading every socket of the stream while the consumer is behind (backpressure). */
  readGate?: ReadGate
  onFrame: (frame: Buffer) => void
  /** One line for stderr: a lost connection, a retry, a reconnect. */
  onNotice: (text: string) => void
  /**
   * Told when the first connection is open, when a working one is lost, and when a new one is open
   * (each time before the connection's first frame).
   */
  onConnectionChange?: (state: 'connected' | 'lost' | 'reconnected') => void
  random?: () => number
}

// How long an open socket has to answer our close(1000) on abort before it is cut: keeps the exit
// after a signal under 1 s.
const CLOSE_GRACE_MS = 500

/**
 * Streams frames until `signal` aborts, reconnecting like noaa (PROTOCOL.md §5): a 401 refreshes the
 * token once; a lost connection (any close of the server, 1000 with no reason included; a frame ws
 * refused; a drop; silence) and a failed reconnect the error calls retryable are retried with full
 * jitter backoff. A failure of the very first connection is final: the operator sees at once that
 * the endpoint or login is wrong, instead of a retry loop.
 */
export async function tailStream(options: TailOptions): Promise<void> {
  const {retry, signal} = options
  const random = options.random ?? Math.random
  let attempt = 0
  let failuresInRow = 0
  let everConnected = false
  let refreshedAfter401 = false
  let refreshFirst = false

  const reconnectOrGiveUp = async (why: string, cause?: CfwsError): Promise<void> => {
    if (retry.maxRetries !== undefined && failuresInRow >= retry.maxRetries) {
      throw new EndpointError('RETRIES_EXHAUSTED', `Gave up after ${failuresInRow} failed reconnects: ${why}`, {
        cause,
        hint: cause?.hint ?? 'Raise --max-retries, or leave it out to keep retrying.',
      })
    }

    attempt++
    await waitBeforeRetry(options, why, attempt, random)
  }

  while (!signal.aborted) {
    let stream: OpenedStream
    // `events` also counts the read gate's changes, for the idle watchdog; `received`, only what
    // the server sent.
    const activity = {events: 0, received: 0}
    const onFrame = (frame: Buffer): void => {
      activity.events++
      activity.received++
      options.onFrame(frame)
    }

    // Frames and pings that came with the upgrade answer are emitted within 'open': a reconnect is
    // told before them, so a backfill can hold them behind the gap, and they are counted.
    const onOpen = (socket: WebSocket): void => {
      socket.on('ping', () => {
        activity.events++
        activity.received++
      })
      if (!everConnected) {
        options.onConnectionChange?.('connected')
        return
      }

      options.onNotice(`reconnected to ${displayEndpoint(options.url)}`)
      options.onConnectionChange?.('reconnected')
    }

    try {
      const {tokens} = options
      const token = await unlessAborted(refreshFirst ? tokens.refresh() : tokens.validToken(), signal)
      refreshFirst = false
      stream = await openStream({
        ...options,
        reconnect: everConnected,
        onFrame,
        onOpen,
        authorization: bearerHeader(token),
      })
    } catch (error) {
      if (signal.aborted) return
      if (error instanceof CfwsError && error.refreshable && !refreshedAfter401) {
        refreshedAfter401 = true
        refreshFirst = true
        continue
      }

      if (!everConnected || !(error instanceof CfwsError) || !error.retryable) throw error
      failuresInRow++
      await reconnectOrGiveUp(error.message, error)
      continue
    }

    const reconnected = everConnected
    everConnected = true
    refreshedAfter401 = false
    // The monotonic clock: the wall clock set back during a long good connection would keep the
    // backoff of the losses before it.
    const connectedAt = performance.now()
    const ending = await pump(stream, activity, options)
    if (signal.aborted) return
    const stable = performance.now() - connectedAt >= retry.stableAfterMs
    // A reconnect lost before the server sent anything, not even a ping or a pong (an upgrade it
    // drops at once, again and again), did not work: counted as working, it would let
    // --max-retries never end the run.
    if (reconnected && activity.received === 0 && !stable) failuresInRow++
    else failuresInRow = 0
    options.onConnectionChange?.('lost')
    if (stable) attempt = 0
    await reconnectOrGiveUp(`connection lost (${ending})`)
  }
}

async function waitBeforeRetry(
  options: TailOptions,
  why: string,
  attempt: number,
  random: () => number,
): Promise<void> {
  const {initialDelayMs, maxDelayMs} = options.retry
  const ceilingMs = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 30))
  const delayMs = Math.round(random() * ceilingMs)
  options.onNotice(`${why}; reconnecting in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt})`)
  try {
    await sleep(delayMs, undefined, {signal: options.signal})
  } catch {
    // Aborted: the caller's loop sees the signal and stops.
  }
}

/**
 * `work`, or a rejection as soon as `signal` aborts: a token fetch that hangs must not hold up the
 * exit. What `work` settles to later is dropped.
 */
async function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, {once: true})
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** Waits until the socket closes, goes silent, or the caller aborts; says why it ended. */
async function pump(
  {socket, closed}: OpenedStream,
  activity: {events: number; received: number},
  options: TailOptions,
): Promise<string> {
  const {readGate, signal} = options
  let ending: string | undefined
  const stopWatching = watchIdle({
    activity,
    idleTimeoutMs: options.idleTimeoutMs,
    paused: () => readGate?.paused === true,
    onIdle() {
      ending = `no data or ping for ${options.idleTimeoutMs / 1000}s`
      socket.terminate()
    },
  })
  const stopPinging = keepAliveWithPings(socket, options.idleTimeoutMs, activity)
  // Silence is counted from the gate's last change: reading resumed is a fresh start.
  const stopCountingGate = readGate?.onChange(() => activity.events++)
  const onAbort = (): void => {
    socket.close(1000)
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref()
  }

  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, {once: true})
  const why = await closed
  stopWatching()
  stopPinging()
  stopCountingGate?.()
  signal.removeEventListener('abort', onAbort)
  return ending ?? why
}
