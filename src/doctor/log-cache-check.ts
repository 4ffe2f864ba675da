import type {TokenHolder} from '../cf/tokens.js'
import {readRecentLogs} from '../logcache/read-logs.js'
import {type DoctorReport, failedCheck} from './report.js'
import {HTTP_STEP_MS, httpStepLimits, runTimed} from './timed-step.js'

export interface LogCacheTarget {
  baseUrl: string
  appGuid: string
  tokens: TokenHolder
  verifyTls: boolean
  signal: AbortSignal
  /** The read's bound (HTTP_STEP_MS); tests pass a short one. */
  httpStepMs?: number
}

/**
 * One envelope read from Log Cache: what `--recent` and a reconnect's backfill need. A failure is
 * a warning, not the run's failure: the stream itself works without Log Cache.
 */
export async function checkLogCache(report: DoctorReport, target: LogCacheTarget): Promise<void> {
  const httpStepMs = target.httpStepMs ?? HTTP_STEP_MS
  const read = async (signal: AbortSignal) => readRecentLogs({...target, maxMessages: 1, signal, timeoutMs: httpStepMs})
  const step = await runTimed(read, httpStepLimits(new URL(target.baseUrl), 'Log Cache', target.signal, httpStepMs))
  if (target.signal.aborted) return
  if (!step.ok) {
    const failure = failedCheck('log cache', step.error, step.durationMs)
    report.add({
      ...failure,
      status: 'warn',
      exitCode: undefined,
      fix: `--recent and the backfill after a reconnect need Log Cache. ${failure.fix ?? ''}`.trim(),
    })
    return
  }

  const [newest] = step.value
  const detail =
    newest?.timestamp === undefined
      ? 'answered: no log lines held for the app (nothing logged lately)'
      : `read the newest line, logged ${new Date(Number(newest.timestamp / 1_000_000n)).toISOString()}`
  report.add({name: 'log cache', status: 'ok', detail, durationMs: step.durationMs})
}
