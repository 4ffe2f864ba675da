import {type CfConfig, readCfConfig} from '../cf/config.js'
import {expiresWithin, readJwtClaims, REFRESH_MARGIN_MS, TokenSource} from '../cf/tokens.js'
import {CfwsError, EndpointError} from '../errors.js'
import {sendHttp} from '../net/http-client.js'
import {routeNote} from './proxy-check.js'
import {type DoctorReport, failedCheck} from './report.js'
import {HTTP_STEP_MS, httpStepLimits, runTimed} from './timed-step.js'

export interface Login {
  config: CfConfig
  tokens: TokenSource
  verifyTls: boolean
  /** The token passed its check: requests that need it can be made. */
  tokenUsable: boolean
}

export interface LoginCheckOptions {
  skipSslValidation: boolean
  /** The firehose is what will be streamed: its scope is a requirement, not a remark. */
  firehose: boolean
  signal: AbortSignal
  env?: NodeJS.ProcessEnv
  onNotice: (text: string) => void
  /** The firehose's scope rule, as `cfws firehose` applies it. */
  requireFirehoseScope: (login: Omit<Login, 'tokenUsable'>) => Promise<void>
  /** Each HTTP request's bound (HTTP_STEP_MS); tests pass a short one. */
  httpStepMs?: number
}

/** cf config, token (refreshed when due), scopes, UAA: what every later check stands on. */
export async function checkLogin(report: DoctorReport, options: LoginCheckOptions): Promise<Login | undefined> {
  const started = performance.now()
  let config: CfConfig
  try {
    config = await readCfConfig(options.env ?? process.env)
  } catch (error) {
    if (!(error instanceof CfwsError)) throw error
    report.add(failedCheck('cf config', error, elapsed(started)))
    for (const name of ['token', 'scopes', 'uaa']) report.skip(name, 'needs a cf config')
    return undefined
  }

  const verifyTls = !(options.skipSslValidation || config.sslDisabled)
  report.add({
    name: 'cf config',
    status: 'ok',
    detail: describeConfig(config, options.skipSslValidation),
    durationMs: elapsed(started),
  })
  const httpStepMs = options.httpStepMs ?? HTTP_STEP_MS
  const tokens = new TokenSource(config, {
    verifyTls,
    signal: options.signal,
    onNotice: options.onNotice,
    timeoutMs: httpStepMs,
  })
  const refreshed = await checkToken(report, config, tokens, {signal: options.signal, httpStepMs})
  const login = {config, tokens, verifyTls, tokenUsable: refreshed !== undefined}
  if (!login.tokenUsable) report.skip('scopes', 'needs a valid token')
  else await checkScopes(report, login, options)
  if (refreshed)
    report.add({
      name: 'uaa',
      status: 'ok',
      detail: `${config.authorizationEndpoint} answered the token refresh`,
      durationMs: 0,
    })
  else if (URL.canParse(config.authorizationEndpoint))
    await checkUaa(report, config, {verifyTls, tokenFresh: login.tokenUsable, signal: options.signal, httpStepMs})
  else report.skip('uaa', 'the cf config names no AuthorizationEndpoint URL')
  return login
}

function describeConfig(config: CfConfig, skipSslValidation: boolean): string {
  const org = config.org.name || '(no org targeted)'
  const space = config.space.name || '(no space targeted)'
  const tls = config.sslDisabled
    ? '; SSLDisabled: certificates not verified'
    : skipSslValidation
      ? '; --skip-ssl-validation: certificates not verified'
      : ''
  return `${config.path}: target ${config.target}, org ${org}, space ${space}, logged in${tls}`
}

/** Resolves true when the token was refreshed, false when it is fresh, undefined when it is not usable. */
async function checkToken(
  report: DoctorReport,
  config: CfConfig,
  tokens: TokenSource,
  {signal, httpStepMs}: {signal: AbortSignal; httpStepMs: number},
): Promise<boolean | undefined> {
  const exp = readJwtClaims(config.accessToken)?.exp
  if (!expiresWithin(config.accessToken, REFRESH_MARGIN_MS)) {
    report.add({
      name: 'token',
      status: 'ok',
      detail: `valid for ${formatSpan(exp! * 1000 - Date.now())} (until ${new Date(exp! * 1000).toISOString()})`,
      durationMs: 0,
    })
    return false
  }

  const was =
    exp === undefined
      ? 'not a readable JWT'
      : exp * 1000 < Date.now()
        ? `expired ${formatSpan(Date.now() - exp * 1000)} ago`
        : `expires in ${formatSpan(exp * 1000 - Date.now())}`
  const target = new URL(URL.canParse(config.authorizationEndpoint) ? config.authorizationEndpoint : config.target)
  const step = await runTimed(async () => tokens.refresh(), httpStepLimits(target, 'UAA', signal, httpStepMs))
  if (!step.ok) {
    report.add(failedCheck('token', step.error, step.durationMs, `${was}; the refresh failed`))
    return undefined
  }

  const fresh = readJwtClaims(step.value)?.exp
  const until = fresh === undefined ? '' : `, valid for ${formatSpan(fresh * 1000 - Date.now())}`
  report.add({
    name: 'token',
    status: 'ok',
    detail: `${was}: refreshed through UAA and saved to the cf config${until}`,
    durationMs: step.durationMs,
  })
  return true
}

async function checkScopes(report: DoctorReport, login: Login, options: LoginCheckOptions): Promise<void> {
  const started = performance.now()
  const token = await login.tokens.validToken()
  const scopes = readJwtClaims(token)?.scope ?? []
  const listed = scopes.length > 0 ? scopes.join(' ') : '(none)'
  if (options.firehose) {
    try {
      await options.requireFirehoseScope(login)
    } catch (error) {
      if (!(error instanceof CfwsError)) throw error
      report.add(failedCheck('scopes', error, elapsed(started), `${listed}: no doppler.firehose`))
      return
    }
  }

  const missing = ['cloud_controller.read', 'doppler.firehose'].filter((scope) => !scopes.includes(scope))
  const remark = missing.includes('cloud_controller.read')
    ? {
        status: 'warn' as const,
        note: '; no cloud_controller.read: the Cloud Controller will refuse to look up apps',
        fix: 'Log in as a user of the foundation (cf login), not with a client that lacks cloud_controller.read.',
      }
    : {
        status: 'ok' as const,
        note: missing.includes('doppler.firehose') ? '; no doppler.firehose: cfws firehose would be refused' : '',
      }
  report.add({
    name: 'scopes',
    status: remark.status,
    detail: `${listed}${remark.note}`,
    durationMs: elapsed(started),
    fix: remark.fix,
  })
}

/**
 * UAA's GET /info. A fresh token needs no UAA until its next refresh: UAA out of reach, or failing
 * (5xx), is then a warning. A token that is not fresh needs that refresh now: no stream can start.
 */
async function checkUaa(
  report: DoctorReport,
  config: CfConfig,
  options: {verifyTls: boolean; tokenFresh: boolean; signal: AbortSignal; httpStepMs: number},
): Promise<void> {
  const url = new URL(`${config.authorizationEndpoint}/info`)
  const step = await runTimed(
    async (stepSignal) => {
      const answer = await sendHttp(url, {
        verifyTls: options.verifyTls,
        serverName: 'UAA',
        signal: stepSignal,
        timeoutMs: options.httpStepMs,
      })
      if (answer.status >= 500)
        throw new EndpointError(
          'SERVER_ERROR',
          `UAA at ${config.authorizationEndpoint} answered ${answer.status} to GET /info`,
          {hint: 'UAA is up but failing: its operators can tell why.'},
        )
      return answer
    },
    httpStepLimits(url, 'UAA', options.signal, options.httpStepMs),
  )
  if (step.ok) {
    report.add({
      name: 'uaa',
      status: 'ok',
      detail: `${config.authorizationEndpoint} reachable (GET /info: ${step.value.status})${routeNote(url)}`,
      durationMs: step.durationMs,
    })
    return
  }

  const hint = step.error.hint ?? ''
  if (!options.tokenFresh) {
    const failure = failedCheck('uaa', step.error, step.durationMs)
    report.add({...failure, fix: `No stream can start: the token needs a refresh, and that needs UAA. ${hint}`.trim()})
    return
  }

  report.add({
    name: 'uaa',
    status: 'warn',
    detail: step.error.message,
    durationMs: step.durationMs,
    fix: `The token works until it expires; refreshing it then needs UAA. ${hint}`.trim(),
    code: step.error.code,
  })
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started)
}

/** 90 s → `1m30s`, 2 h → `2h0m`: a span an operator reads at a glance. */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m${seconds % 60 ? `${seconds % 60}s` : ''}`
  const hours = Math.floor(minutes / 60)
  return hours < 48 ? `${hours}h${minutes % 60}m` : `${Math.floor(hours / 24)}d`
}
