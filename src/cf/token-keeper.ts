import {setTimeout as sleep} from 'node:timers/promises'

import {AuthError} from '../errors.js'
import type {TokenSource} from './tokens.js'

export interface TokenKeeperOptions {
  signal: AbortSignal
  /** First wait after a failed refresh; it doubles up to `maxRetryDelayMs`. */
  retryDelayMs: number
  maxRetryDelayMs: number
  onNotice: (text: string) => void
}

/**
 * Refreshes the token ahead of its expiry for as long as a stream runs, so a reconnect never starts
 * with a stale token. A refresh that fails for a passing reason is tried again with backoff; a
 * rejected refresh token (AuthError) ends the wait with that error: the run must stop (exit 3).
 * Resolves when `signal` aborts.
 */
export async function keepTokenFresh(tokens: Pick<TokenSource, 'msUntilRefresh' | 'refresh'>, options: TokenKeeperOptions): Promise<void> {
  let retryDelayMs = options.retryDelayMs
  while (!options.signal.aborted) {
    try {
      await sleep(tokens.msUntilRefresh(), undefined, {signal: options.signal})
    } catch {
      return
    }

    try {
      await tokens.refresh()
      retryDelayMs = options.retryDelayMs
      // A token without a readable expiry would otherwise be refreshed in a tight loop.
      if (tokens.msUntilRefresh() === 0) await sleep(options.maxRetryDelayMs, undefined, {signal: options.signal}).catch(() => {})
    } catch (error) {
      if (error instanceof AuthError || options.signal.aborted) throw error
      options.onNotice(`could not refresh the token (${error instanceof Error ? error.message : String(error)}); trying again in ${retryDelayMs / 1000}s`)
      try {
        await sleep(retryDelayMs, undefined, {signal: options.signal})
      } catch {
        return
      }

      retryDelayMs = Math.min(retryDelayMs * 2, options.maxRetryDelayMs)
    }
  }
}
