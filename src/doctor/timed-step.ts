import {CfwsError, EndpointError} from '../errors.js'
import {describeNetworkFailure} from '../net/network-error.js'

/** The bound of each HTTP request doctor makes. */
export const HTTP_STEP_MS = 8000
/**
 * An HTTP step outlasts its request by this much, so that the request's own deadline is the one
 * told: it knows a proxy that never answered the CONNECT from a server that did not answer through
 * the tunnel (net/proxy.ts), which the step's deadline cannot tell apart.
 */
export const REQUEST_GRACE_MS = 500

export type Timed<T> = {ok: true; value: T; durationMs: number} | {ok: false; error: CfwsError; durationMs: number}

export interface StepLimits {
  /** This step's own bound: a silent server costs at most this much of the run. */
  timeoutMs: number
  /** The run's end (Ctrl-C): every step stops at once. */
  signal: AbortSignal
  /** The failure to report when the step ran out of time (a TIMEOUT naming the server). */
  timedOut: () => CfwsError
}

/** The limits of a step around one HTTP request to `server` at `url` bounded by `requestMs`. */
export function httpStepLimits(url: URL, server: string, signal: AbortSignal, requestMs = HTTP_STEP_MS): StepLimits {
  return {
    timeoutMs: requestMs + REQUEST_GRACE_MS,
    signal,
    timedOut: () => describeNetworkFailure({code: 'ETIMEDOUT'}, url, server),
  }
}

/**
 * Runs one network step under its own deadline and the run's signal, and times it. `work` gets a
 * signal that aborts at either; whatever `work` does with it, the step settles by the deadline (a
 * DNS lookup cannot be cancelled, only abandoned). A CfwsError is an outcome; anything else is a bug.
 */
export async function runTimed<T>(work: (signal: AbortSignal) => Promise<T>, limits: StepLimits): Promise<Timed<T>> {
  const started = performance.now()
  const deadline = new AbortController()
  const signal = AbortSignal.any([limits.signal, deadline.signal])
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      deadline.abort()
      reject(limits.timedOut())
    }, limits.timeoutMs)
  })
  let onAbort = (): void => {}
  const interrupted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new EndpointError('ABORTED', 'Interrupted'))
    if (limits.signal.aborted) onAbort()
    else limits.signal.addEventListener('abort', onAbort, {once: true})
  })
  const elapsed = (): number => Math.round(performance.now() - started)
  try {
    const value = await Promise.race([work(signal), expired, interrupted])
    return {ok: true, value, durationMs: elapsed()}
  } catch (error) {
    // A step cut short by its deadline reports the deadline, not the ABORTED its request saw.
    const failure = deadline.signal.aborted && !limits.signal.aborted ? limits.timedOut() : error
    if (failure instanceof CfwsError) return {ok: false, error: failure, durationMs: elapsed()}
    throw failure
  } finally {
    clearTimeout(timer)
    limits.signal.removeEventListener('abort', onAbort)
    deadline.abort()
  }
}
