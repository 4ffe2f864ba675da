/**
 * The longest delay `setTimeout` keeps: Node turns anything above 2^31−1 ms (~24.8 days) into 1 ms,
 * with only a warning, so a naive wait for a token valid for a year fires at once, every time.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1

/**
 * Waits `ms` milliseconds, however many: past MAX_TIMER_DELAY_MS it waits in chunks. Resolves true
 * when the time is up, false as soon as `signal` aborts (at once when it already has), so a caller's
 * loop ends on `if (!(await sleepUnlessAborted(…))) return` rather than a try/catch.
 */
export async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  let remainingMs = Math.max(0, ms)
  do {
    const chunkMs = Math.min(remainingMs, MAX_TIMER_DELAY_MS)
    if (!(await sleepOnce(chunkMs, signal))) return false
    remainingMs -= chunkMs
  } while (remainingMs > 0)

  return true
}

async function sleepOnce(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return false
  return new Promise<boolean>((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve(false)
    }

    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}
