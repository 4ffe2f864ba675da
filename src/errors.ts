/**
 * Every failure cfws reports on purpose is a CfwsError: a stable `code` that code and tests branch
 * on, the exit code from the contract (../shared/CLI.md "Errors and exit codes"), and a `hint` that
 * says what the operator can do about it.
 */
export const ExitCode = {
  ok: 0,
  bug: 1,
  usage: 2,
  auth: 3,
  forbidden: 4,
  notFound: 5,
  unreachable: 6,
  sigint: 130,
  sigterm: 143,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface CfwsErrorOptions {
  hint?: string
  cause?: unknown
}

export class CfwsError extends Error {
  readonly code: string
  readonly exitCode: ExitCodeValue
  readonly hint?: string

  constructor(code: string, exitCode: ExitCodeValue, message: string, options: CfwsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.code = code
    this.exitCode = exitCode
    this.hint = options.hint
  }
}

export class UsageError extends CfwsError {
  constructor(code: string, message: string, options?: CfwsErrorOptions) {
    super(code, ExitCode.usage, message, options)
  }
}

export class AuthError extends CfwsError {
  constructor(code: string, message: string, options?: CfwsErrorOptions) {
    super(code, ExitCode.auth, message, options)
  }
}

export class ForbiddenError extends CfwsError {
  constructor(code: string, message: string, options?: CfwsErrorOptions) {
    super(code, ExitCode.forbidden, message, options)
  }
}

export class NotFoundError extends CfwsError {
  constructor(code: string, message: string, options?: CfwsErrorOptions) {
    super(code, ExitCode.notFound, message, options)
  }
}

export class EndpointError extends CfwsError {
  constructor(code: string, message: string, options?: CfwsErrorOptions) {
    super(code, ExitCode.unreachable, message, options)
  }
}

/** Hints that more than one failure gives, in one wording. */
export const HINTS = {
  login: "Log in again with 'cf login'.",
  logAccess: 'You need a space developer, manager or auditor role in the app’s space (or an admin/logs.admin token).',
} as const

/** The low-level code of a network failure, wherever Node or a mock put it. */
export function networkErrorCode(error: unknown): string | undefined {
  const candidate = error as {code?: unknown; cause?: {code?: unknown}} | undefined
  const code = candidate?.cause?.code ?? candidate?.code
  return typeof code === 'string' ? code : undefined
}
