import {CfwsError, type ErrorCode, ExitCode} from '../errors.js'

/** ok ✓, warn ! (works, but something is off), fail ✗, skip - (could not be checked: a step before failed). */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip'

export interface CheckResult {
  name: string
  status: CheckStatus
  /** What was found, in one line. */
  detail: string
  durationMs: number
  /** Why it failed, in an operator's words (the error's message). */
  cause?: string
  /** What to do about it (the error's hint). */
  fix?: string
  /** The stable code of the failure, for support tickets and scripts. */
  code?: ErrorCode
  /** What `cfws logs` would exit with on this failure. */
  exitCode?: number
}

/** An endpoint tried when the configured one failed (or with --probe). */
export interface CandidateResult {
  endpoint: string
  status: CheckStatus
  detail: string
  durationMs: number
  /** The upgrade went through with the token: a stream opened. */
  streamOpened: boolean
}

export interface Recommendation {
  endpoint: string
  /** The exact commands that work, in the order to try them. */
  commands: string[]
}

/**
 * The doctor's findings as they come: checks in order, the candidates tried, the endpoint to use.
 * The exit code is the contract's code of the first failed check, 0 when nothing failed (warnings
 * do not count: a stream works).
 */
export class DoctorReport {
  readonly checks: CheckResult[] = []
  readonly candidates: CandidateResult[] = []
  recommendation?: Recommendation

  constructor(
    private readonly listener: {check?(check: CheckResult): void; candidate?(candidate: CandidateResult): void} = {},
  ) {}

  add(check: CheckResult): CheckResult {
    this.checks.push(check)
    this.listener.check?.(check)
    return check
  }

  /** A check that could not run because `why` (a step it needs failed or was not asked for). */
  skip(name: string, why: string): CheckResult {
    return this.add({name, status: 'skip', detail: why, durationMs: 0})
  }

  addCandidate(candidate: CandidateResult): void {
    this.candidates.push(candidate)
    this.listener.candidate?.(candidate)
  }

  firstFailure(): CheckResult | undefined {
    return this.checks.find((check) => check.status === 'fail')
  }

  exitCode(): number {
    return this.firstFailure()?.exitCode ?? ExitCode.ok
  }

  /** Whether a check of that name passed (ok or warn). */
  passed(name: string): boolean {
    return this.checks.some((check) => check.name === name && (check.status === 'ok' || check.status === 'warn'))
  }
}

/** A failed check from the error that says why; `detail` is what was observed, when more than the message. */
export function failedCheck(name: string, error: CfwsError, durationMs: number, detail?: string): CheckResult {
  return {
    name,
    status: 'fail',
    detail: detail ?? error.message,
    durationMs,
    cause: detail === undefined ? undefined : error.message,
    fix: error.hint,
    code: error.code,
    exitCode: error.exitCode,
  }
}
