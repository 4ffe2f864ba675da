import {randomBytes} from 'node:crypto'

/** The demo user's scopes: enough for `cfws logs` and for the firehose. */
export const DEMO_SCOPES = ['openid', 'cloud_controller.read', 'cloud_controller.write', 'doppler.firehose']

const CLIENT = 'cf'
const TOKEN_LIFETIME_S = 3600

export interface TokenGrant {
  access_token: string
  token_type: 'bearer'
  refresh_token: string
  expires_in: number
  scope: string
}

/**
 * The demo's UAA: it issues JWTs (signed with nothing: cfws reads claims and never verifies, the
 * servers look tokens up) and refreshes them, and the demo's other servers ask it whether an
 * Authorization header holds one of its live tokens (PROTOCOL.md §4).
 */
export class DemoUaa {
  private readonly issued = new Map<string, {expMs: number; scope: string[]}>()
  private readonly refreshTokens = new Set<string>()

  constructor(private readonly now: () => number = Date.now) {}

  /** The login a `cf login` would leave: an access token already expired (cfws refreshes it first, as after a night) and a refresh token. */
  login(): {accessToken: string; refreshToken: string} {
    const refreshToken = this.newRefreshToken()
    return {accessToken: this.issue(-60), refreshToken}
  }

  /** POST /oauth/token with the refresh grant and HTTP Basic `cf:`; undefined for anything else. */
  refresh(form: URLSearchParams, basicAuth: string | undefined): TokenGrant | undefined {
    const client = basicAuth?.match(/^basic (.+)$/i)?.[1]
    const [clientId] = Buffer.from(client ?? '', 'base64')
      .toString()
      .split(':')
    if (clientId !== CLIENT || form.get('grant_type') !== 'refresh_token') return undefined
    // UAA's refresh tokens are reusable unless a zone rotates them: the same one comes back.
    const refreshToken = form.get('refresh_token') ?? ''
    if (!this.refreshTokens.has(refreshToken)) return undefined
    return {
      access_token: this.issue(TOKEN_LIFETIME_S),
      token_type: 'bearer',
      refresh_token: refreshToken,
      expires_in: TOKEN_LIFETIME_S,
      scope: DEMO_SCOPES.join(' '),
    }
  }

  /** The live token's scopes, or undefined when the header holds no live token of this UAA. */
  scopesOf(authorization: string | undefined): string[] | undefined {
    const token = authorization?.match(/^bearer (\S+)$/i)?.[1]
    const grant = token === undefined ? undefined : this.issued.get(token)
    return grant && grant.expMs > this.now() ? grant.scope : undefined
  }

  private issue(lifetimeS: number): string {
    const expMs = this.now() + lifetimeS * 1000
    const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
    const claims = {
      jti: randomBytes(8).toString('hex'),
      user_name: 'demo',
      client_id: CLIENT,
      scope: DEMO_SCOPES,
      exp: Math.floor(expMs / 1000),
    }
    const token = `${part({alg: 'none', typ: 'JWT'})}.${part(claims)}.${randomBytes(16).toString('base64url')}`
    this.issued.set(token, {expMs, scope: DEMO_SCOPES})
    return token
  }

  private newRefreshToken(): string {
    const token = `demo-refresh-${randomBytes(12).toString('hex')}`
    this.refreshTokens.add(token)
    return token
  }
}
