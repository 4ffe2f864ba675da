import {AuthError, messageOf} from '../errors.js'
import {sleepUnlessAborted} from '../timers/long-sleep.js'
import type {TokenSource} from './tokens.js'

export interface TokenKeeperOptions {
  signal: AbortSignal
  /** First wait after a failed refresh; it doubles up to `maxRetryDelayMs`. */
  retryDelayMs: number
  maxRetryDelayMs: number
  /** The wait for the next refresh is reckoned again this often (default RECHECK_MS). */
  recheckMs?: number
  onNotice: (text: string) => void
}

/**
 * The wait until a refresh is looked at again once a minute: the token it was reckoned for may be
 * replaced meanwhile (a reconnect's or a 401's refresh) by one that expires sooner, and the wall
 * clock that expiry is read on may jump (an NTP step, a machine resumed from suspend) while a timer
 * counts on the monotonic one. Waiting the whole first reckoning, the keeper let such a token
 * expire, and the next reconnect waited for UAA first.
 */
export const RECHECK_MS = 60_000

/**
 * Refreshes the token ahead of its expiry for as long as a stream runs, so a reconnect never starts
 * with a stale token. A refresh that fails for a passing reason (UAA down or answering 5xx, a
 * proxy's page) is tried again with backoff; a rejected refresh token (an AuthError that is not
 * retryable) ends the wait with that error: the run must stop (exit 3).
 * Resolves when `signal` aborts. The wait until expiry may be years (a UAA client's token): it is
 * slept in parts of RECHECK_MS, each reckoned again from the token of that moment.
 */
export async function keepTokenFresh(
  tokens: Pick<TokenSource, 'msUntilRefresh' | 'refresh'>,
  options: TokenKeeperOptions,
): Promise<void> {
  const {signal} = options
  const recheckMs = options.recheckMs ?? RECHECK_MS
  let retryDelayMs = options.retryDelayMs
  for (;;) {
    const untilRefreshMs = tokens.msUntilRefresh()
    if (!(await sleepUnlessAborted(Math.min(untilRefreshMs, recheckMs), signal))) return
    if (untilRefreshMs > recheckMs) continue
    try {
      await tokens.refresh()
      retryDelayMs = options.retryDelayMs
      // A token without a readable expiry would otherwise be refreshed in a tight loop.
      if (tokens.msUntilRefresh() === 0 && !(await sleepUnlessAborted(options.maxRetryDelayMs, signal))) return
    } catch (error) {
      // A refresh cut short by the end of the run is no failure: the run's own outcome stands.
      if (signal.aborted) return
      if (error instanceof AuthError && !error.retryable) throw error
      options.onNotice(`could not refresh the token (${messageOf(error)}); trying again in ${retryDelayMs / 1000}s`)
      if (!(await sleepUnlessAborted(retryDelayMs, signal))) return
      retryDelayMs = Math.min(retryDelayMs * 2, options.maxRetryDelayMs)
    }
  }
}
