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

/** The signals cfws ends on with a code of its own (128 + the signal's number, as a shell shows). */
export const SIGNAL_EXIT_CODES = {SIGINT: ExitCode.sigint, SIGTERM: ExitCode.sigterm} as const
export type EndingSignal = keyof typeof SIGNAL_EXIT_CODES

/** The exits a CfwsError can end with; each has its class below. */
export type FailureExit = 'bug' | 'usage' | 'auth' | 'forbidden' | 'notFound' | 'unreachable'

export interface ErrorTraits {
  readonly exit: FailureExit
  /**
   * A passing failure: once a stream has worked, losing it this way is retried with backoff
   * (noaa retries every dial error, PROTOCOL.md §5). A first connection that fails is never retried.
   */
  readonly retryable?: true
  /** The server refused the token: refresh it once and try again (PROTOCOL.md §4: never in a loop). */
  readonly refreshable?: true
}

/**
 * Every code cfws reports, with what it ends in. The module that understands a failure creates its
 * error; the policies that act on it (the stream's reconnects) ask the error, not a list of their own.
 */
export const ERROR_CATALOGUE = {
  // Exit 1: stdout cannot be written (a full disk); a closed pipe is not an error.
  STDOUT_FAILED: {exit: 'bug'},
  // Exit 2: the command line or an environment variable is wrong.
  INVALID_DURATION: {exit: 'usage'},
  INVALID_SIZE: {exit: 'usage'},
  INVALID_SINCE: {exit: 'usage'},
  UNKNOWN_EVENT_TYPE: {exit: 'usage'},
  /** --endpoint or CFWS_LOGGER_ENDPOINT; a bad one from the Cloud Controller is CC_INVALID_ENDPOINT. */
  INVALID_ENDPOINT: {exit: 'usage'},
  INVALID_APP_NAME: {exit: 'usage'},
  /** No APP, and neither --all nor --app-regex. */
  MISSING_APP: {exit: 'usage'},
  INVALID_SUBSCRIPTION_ID: {exit: 'usage'},
  /** --include, --exclude or --highlight that is not a JavaScript regular expression. */
  INVALID_REGEX: {exit: 'usage'},
  /** HTTPS_PROXY / HTTP_PROXY that is not a URL. */
  INVALID_PROXY: {exit: 'usage'},
  /** `cfws demo` without `logs APP` or `firehose` after it. */
  INVALID_DEMO_COMMAND: {exit: 'usage'},
  /** `cfws demo … --endpoint`: the demo's login must not leave the machine. */
  DEMO_ENDPOINT: {exit: 'usage'},

  // Exit 3: no usable login.
  NOT_LOGGED_IN: {exit: 'auth'},
  CONFIG_INVALID: {exit: 'auth'},
  /** config.json is there but cannot be read: its mode, a directory, a FIFO, a file far too large. */
  CONFIG_UNREADABLE: {exit: 'auth'},
  NO_UAA: {exit: 'auth'},
  CLIENT_REJECTED: {exit: 'auth'},
  SESSION_EXPIRED: {exit: 'auth'},
  /** UAA answered the refresh with neither a token nor a refusal (a 5xx): try again later. */
  REFRESH_FAILED: {exit: 'auth', retryable: true},
  CC_UNAUTHORIZED: {exit: 'auth'},
  LOG_CACHE_UNAUTHORIZED: {exit: 'auth'},
  STREAM_UNAUTHORIZED: {exit: 'auth', refreshable: true},

  // Exit 4: logged in, but not allowed.
  CC_FORBIDDEN: {exit: 'forbidden'},
  FIREHOSE_SCOPE_MISSING: {exit: 'forbidden'},
  FIREHOSE_UNAUTHORIZED: {exit: 'forbidden', refreshable: true},
  FIREHOSE_FORBIDDEN: {exit: 'forbidden'},
  LOGS_NOT_VISIBLE: {exit: 'forbidden'},
  LOG_CACHE_NOT_VISIBLE: {exit: 'forbidden'},

  // Exit 5: the app or space is not there.
  APP_NOT_FOUND: {exit: 'notFound'},
  NO_SPACE_TARGETED: {exit: 'notFound'},

  // Exit 6: an endpoint cannot be reached or answered what cfws cannot use.
  CLEARTEXT_REFUSED: {exit: 'unreachable'},
  CC_INVALID_ENDPOINT: {exit: 'unreachable'},
  NO_LOGGING_ENDPOINT: {exit: 'unreachable'},
  CC_UNEXPECTED_STATUS: {exit: 'unreachable'},
  /** A 200 whose body is not what was asked for (a proxy's page, a cut-off answer). */
  CC_UNEXPECTED_ANSWER: {exit: 'unreachable'},
  /** The app's id is not a GUID: no Traffic Controller would stream it. */
  CC_INVALID_APP_GUID: {exit: 'unreachable'},
  DNS_FAILURE: {exit: 'unreachable', retryable: true},
  CONNECTION_REFUSED: {exit: 'unreachable', retryable: true},
  TIMEOUT: {exit: 'unreachable', retryable: true},
  NETWORK_FAILURE: {exit: 'unreachable', retryable: true},
  TLS_CERTIFICATE: {exit: 'unreachable'},
  TLS_HANDSHAKE: {exit: 'unreachable'},
  /** The server answered bytes that are not HTTP: another service on the port, or a TLS port. */
  NOT_HTTP: {exit: 'unreachable', retryable: true},
  /** The server answered the upgrade with a 101 ws refuses (a wrong Sec-WebSocket-Accept): something rewrites it. */
  INVALID_UPGRADE: {exit: 'unreachable', retryable: true},
  /** The proxy answered the CONNECT with a refusal (407, 403…): stays wrong. */
  PROXY_REFUSED: {exit: 'unreachable'},
  /** The proxy itself did not answer: it may be restarting. */
  PROXY_UNREACHABLE: {exit: 'unreachable', retryable: true},
  ROUTE_SERVICE_UNSUPPORTED: {exit: 'unreachable'},
  UNKNOWN_ROUTE: {exit: 'unreachable'},
  NO_TRAFFIC_CONTROLLER: {exit: 'unreachable', retryable: true},
  UPGRADE_STRIPPED: {exit: 'unreachable'},
  /** A plain ws:// request to a TLS port (Go's 400 "Client sent an HTTP request to an HTTPS server"). */
  PLAIN_TO_TLS_PORT: {exit: 'unreachable'},
  /** The Traffic Controller routes no such path (Go's `404 page not found`): a wrong prefix or not a Traffic Controller. */
  PATH_NOT_SERVED: {exit: 'unreachable'},
  /** `recentlogs` is not routed (removed from the Traffic Controller in 2022) and there is no Log Cache to ask. */
  RECENT_LOGS_UNSUPPORTED: {exit: 'unreachable'},
  HANDSHAKE_REDIRECTED: {exit: 'unreachable'},
  SERVER_ERROR: {exit: 'unreachable', retryable: true},
  HANDSHAKE_REJECTED: {exit: 'unreachable'},
  RECENT_LOGS_FAILED: {exit: 'unreachable'},
  NOT_MULTIPART: {exit: 'unreachable'},
  LOG_CACHE_THROTTLED: {exit: 'unreachable'},
  LOG_CACHE_FAILED: {exit: 'unreachable'},
  /** An answer over the size cfws reads (a hostile or broken server). */
  RESPONSE_TOO_LARGE: {exit: 'unreachable'},
  RETRIES_EXHAUSTED: {exit: 'unreachable'},
  /** cfws doctor saw an accepted stream close while it watched it (a stream retries the close itself). */
  STREAM_CLOSED: {exit: 'unreachable'},
  /** The run was stopped (a signal, a closed stdout) while this request was under way. */
  ABORTED: {exit: 'unreachable'},
} as const satisfies Record<string, ErrorTraits>

export type ErrorCode = keyof typeof ERROR_CATALOGUE

/** The codes whose catalogue entry ends in `exit`: a class cannot be given another's code. */
export type ErrorCodeFor<E extends FailureExit> = {
  [C in ErrorCode]: (typeof ERROR_CATALOGUE)[C]['exit'] extends E ? C : never
}[ErrorCode]

export interface CfwsErrorOptions {
  hint?: string
  cause?: unknown
}

export abstract class CfwsError extends Error {
  readonly code: ErrorCode
  readonly exitCode: ExitCodeValue
  readonly hint?: string

  protected constructor(code: ErrorCode, message: string, options: CfwsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.code = code
    this.exitCode = ExitCode[traitsOf(code).exit]
    this.hint = options.hint
  }

  /** See ErrorTraits.retryable. */
  get retryable(): boolean {
    return traitsOf(this.code).retryable === true
  }

  /** See ErrorTraits.refreshable. */
  get refreshable(): boolean {
    return traitsOf(this.code).refreshable === true
  }
}

function traitsOf(code: ErrorCode): ErrorTraits {
  return ERROR_CATALOGUE[code]
}

/** stdout failed for a reason other than a reader that left (EPIPE). */
export class OutputError extends CfwsError {
  constructor(code: ErrorCodeFor<'bug'>, message: string, options?: CfwsErrorOptions) {
    super(code, message, options)
  }
}

export class UsageError extends CfwsError {
  constructor(code: ErrorCodeFor<'usage'>, message: string, options?: CfwsErrorOptions) {
    super(code, message, options)
  }
}

export class AuthError extends CfwsError {
  constructor(code: ErrorCodeFor<'auth'>, message: string, options?: CfwsErrorOptions) {
    super(code, message, options)
  }
}

export class ForbiddenError extends CfwsError {
  constructor(code: ErrorCodeFor<'forbidden'>, message: string, options?: CfwsErrorOptions) {
    super(code, message, options)
  }
}

export class NotFoundError extends CfwsError {
  constructor(code: ErrorCodeFor<'notFound'>, message: string, options?: CfwsErrorOptions) {
    super(code, message, options)
  }
}

export class EndpointError extends CfwsError {
  constructor(code: ErrorCodeFor<'unreachable'>, message: string, options?: CfwsErrorOptions) {
    super(code, message, options)
  }
}

/** Hints that more than one failure gives, in one wording. */
export const HINTS = {
  login: "Log in again with 'cf login'.",
  logAccess: 'You need a space developer, manager or auditor role in the app’s space (or an admin/logs.admin token).',
} as const

/** The low-level code of a network failure, wherever Node or a mock put it. */
/** What a thrown value says, for a notice: its message, or the value itself when it is no Error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export function networkErrorCode(error: unknown): string | undefined {
  const candidate = error as {code?: unknown; cause?: {code?: unknown}} | undefined
  const code = candidate?.cause?.code ?? candidate?.code
  return typeof code === 'string' ? code : undefined
}
