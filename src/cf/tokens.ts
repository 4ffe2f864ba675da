import {AuthError, HINTS, messageOf} from '../errors.js'
import {type HttpResponse, isHtmlAnswer, parseJsonBody, sendHttp} from '../net/http-client.js'
import {hideRenewedSecret, hideSecret, trace} from '../trace.js'
import {type CfConfig, parseConfigUrl, saveTokens} from './config.js'

/** The cf CLI refreshes a token that expires within a minute (PROTOCOL.md §4); so do we. */
export const REFRESH_MARGIN_MS = 60_000

export interface JwtClaims {
  exp?: number
  scope: string[]
}

/** The claims cfws needs from a JWT, or undefined when it is not one. Never verifies: UAA does. */
export function readJwtClaims(token: string): JwtClaims | undefined {
  const payload = stripTokenType(token).split('.')[1]
  if (!payload) return undefined
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
    const scope = Array.isArray(claims.scope) ? claims.scope.filter((s): s is string => typeof s === 'string') : []
    return {exp: typeof claims.exp === 'number' ? claims.exp : undefined, scope}
  } catch {
    return undefined
  }
}

/** True when the token expires within `marginMs`, or cannot be read (as the cf CLI does). */
export function expiresWithin(token: string, marginMs: number, nowMs = Date.now()): boolean {
  const exp = readJwtClaims(token)?.exp
  return exp === undefined || exp * 1000 - nowMs < marginMs
}

/**
 * The Authorization header value. The Traffic Controller strips exactly `bearer ` (lowercase) on the
 * firehose (PROTOCOL.md §5), so the type the config stored is replaced rather than kept.
 */
export function bearerHeader(token: string): string {
  return `bearer ${stripTokenType(token)}`
}

function stripTokenType(token: string): string {
  return token.replace(/^bearer\s+/i, '').trim()
}

export interface ClientCredentials {
  clientId: string
  clientSecret: string
}

/** What a request needs of a TokenSource: the current token, and a fresh one on demand. */
export type TokenHolder = Pick<TokenSource, 'validToken' | 'refresh'>

/**
 * One request with the current token, sent once more with a refreshed token when `rejected` says
 * the server refused the first; never more than once (PROTOCOL.md §4: no refresh loops).
 */
export async function sendWithRefresh<T>(
  tokens: TokenHolder,
  send: (authorization: string) => Promise<T>,
  rejected: (answer: T) => boolean,
): Promise<T> {
  const answer = await send(bearerHeader(await tokens.validToken()))
  return rejected(answer) ? send(bearerHeader(await tokens.refresh())) : answer
}

export interface TokenSourceOptions {
  verifyTls: boolean
  /** A UAA client of its own (an unattended nozzle) instead of the user's cf login; never saved. */
  clientCredentials?: ClientCredentials
  /** Ends every UAA request of this source at once (the run's end: Ctrl-C, SIGTERM). */
  signal?: AbortSignal
  /** Says on stderr what the operator should know (a token that could not be saved). */
  onNotice?: (text: string) => void
  now?: () => number
  /** Each UAA request's bound (sendHttp's default otherwise): cfws doctor's is shorter. */
  timeoutMs?: number
}

/** Whether the token's JWT grants `scope` (checked before connecting; the server has the last word). */
export function hasScope(token: string, scope: string): boolean {
  return readJwtClaims(token)?.scope.includes(scope) ?? false
}

/**
 * Hands out a usable access token: the cf login's while it is fresh, a refreshed one (written back
 * to the cf config, so `cf` sees it too) when it is about to expire or a server rejected it.
 */
export class TokenSource {
  private accessToken: string
  private refreshToken: string
  private readonly now: () => number
  /** The refresh under way: the keeper, a reconnect and a 401 retry share it, so UAA sees one grant. */
  private refreshing?: Promise<string>
  /** Said once a run: a config that cannot be written fails every refresh the same way. */
  private saveFailureTold = false

  constructor(
    private readonly config: CfConfig,
    private readonly options: TokenSourceOptions,
  ) {
    this.accessToken = options.clientCredentials ? '' : config.accessToken
    this.refreshToken = config.refreshToken
    hideTokens(this.accessToken, this.refreshToken)
    hideSecret(options.clientCredentials?.clientSecret ?? config.oauthClientSecret)
    this.now = options.now ?? Date.now
  }

  /** The current token, refreshed first when it expires within a minute. */
  async validToken(): Promise<string> {
    if (expiresWithin(this.accessToken, REFRESH_MARGIN_MS, this.now())) await this.refresh()
    return this.accessToken
  }

  /** How long until the current token needs refreshing (0 when it does now or cannot be read). */
  msUntilRefresh(): number {
    const exp = readJwtClaims(this.accessToken)?.exp
    return exp === undefined ? 0 : Math.max(0, exp * 1000 - REFRESH_MARGIN_MS - this.now())
  }

  /**
   * Refreshes through UAA; a rejected refresh token ends in AuthError, never a retry loop. Callers
   * that ask while a refresh is under way get that refresh's outcome rather than a second grant.
   */
  async refresh(): Promise<string> {
    this.refreshing ??= this.requestToken().finally(() => {
      this.refreshing = undefined
    })
    return this.refreshing
  }

  private async requestToken(): Promise<string> {
    const {config} = this
    const client = this.options.clientCredentials ?? {
      clientId: config.oauthClient,
      clientSecret: config.oauthClientSecret,
    }
    const clientCredentials = this.options.clientCredentials !== undefined || config.grantType === 'client_credentials'
    if (!clientCredentials && !this.refreshToken) throw sessionExpired()
    if (!config.authorizationEndpoint) {
      throw new AuthError('NO_UAA', 'The cf config names no AuthorizationEndpoint to refresh the token with', {
        hint: HINTS.login,
      })
    }

    const form: Record<string, string> = clientCredentials
      ? {grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret}
      : {grant_type: 'refresh_token', refresh_token: this.refreshToken}
    const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')
    parseConfigUrl(config.authorizationEndpoint, 'AuthorizationEndpoint', config.path)
    const response = await sendHttp(new URL(`${config.authorizationEndpoint}/oauth/token`), {
      method: 'POST',
      headers: {authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams(form).toString(),
      verifyTls: this.options.verifyTls,
      serverName: 'UAA',
      signal: this.options.signal,
      timeoutMs: this.options.timeoutMs,
    })
    if ((response.status === 400 || response.status === 401) && this.options.clientCredentials) {
      throw new AuthError('CLIENT_REJECTED', `UAA rejected the client '${client.clientId}' (${response.status})`, {
        hint: 'Check --client-id and --client-secret (or CFWS_CLIENT_ID and CFWS_CLIENT_SECRET).',
      })
    }

    if (response.status === 400 || response.status === 401) throw sessionExpired()
    const answer = grantedToken(response, config.authorizationEndpoint)
    this.accessToken = `${typeof answer.token_type === 'string' ? answer.token_type : 'bearer'} ${answer.access_token}`
    const newRefreshToken = typeof answer.refresh_token === 'string' ? answer.refresh_token : undefined
    if (newRefreshToken) this.refreshToken = newRefreshToken
    hideTokens(this.accessToken, this.refreshToken)
    // Only what UAA sent is written: a refresh token cf stored meanwhile is newer than the one cfws started with.
    if (!this.options.clientCredentials) await this.persist(newRefreshToken)
    return this.accessToken
  }

  private async persist(refreshToken: string | undefined): Promise<void> {
    try {
      await saveTokens(this.config.path, {accessToken: this.accessToken, refreshToken})
    } catch (error) {
      // The refreshed token still works for this run; only `cf` misses the update.
      trace(`could not write the refreshed token to ${this.config.path}: ${String(error)}`)
      if (this.saveFailureTold) return
      this.saveFailureTold = true
      this.options.onNotice?.(`could not save the refreshed token: ${messageOf(error)}; cf will refresh it again`)
    }
  }
}

interface TokenAnswer {
  access_token: string
  refresh_token?: unknown
  token_type?: unknown
}

/** What UAA granted, or why its answer (neither a grant nor a refusal) grants nothing. */
function grantedToken(response: HttpResponse, uaa: string): TokenAnswer {
  if (response.status !== 200) {
    throw new AuthError('REFRESH_FAILED', `UAA answered ${response.status} to the token refresh`, {
      hint: "Try again later, or log in again with 'cf login'.",
    })
  }

  const answer = parseJsonBody(response) as
    {access_token?: unknown; refresh_token?: unknown; token_type?: unknown} | undefined
  // A 200 without a token is no success: a proxy's or a portal's page, or another server than UAA.
  if (typeof answer?.access_token !== 'string') {
    const what = isHtmlAnswer(response) ? 'an HTML page, not a token' : 'something other than a token'
    throw new AuthError('REFRESH_FAILED', `UAA answered the token refresh with ${what} (200)`, {
      hint: `Something other than UAA may be answering (a proxy, a login page), or ${uaa} is not this foundation's UAA: check HTTPS_PROXY and NO_PROXY, or log in again with 'cf login'.`,
    })
  }

  return {...answer, access_token: answer.access_token}
}

function sessionExpired(): AuthError {
  return new AuthError(
    'SESSION_EXPIRED',
    'The login has expired or was revoked, and the token could not be refreshed',
    {
      hint: HINTS.login,
    },
  )
}

/** Tokens as the config holds them (`bearer eyJ…`) and bare, so no form of them reaches stderr. */
function hideTokens(accessToken: string, refreshToken: string): void {
  hideRenewedSecret(accessToken)
  hideRenewedSecret(accessToken.replace(/^\S+\s+/, ''))
  hideRenewedSecret(refreshToken)
}
