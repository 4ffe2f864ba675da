import {randomBytes} from 'node:crypto'

import {checkFoundation, type EndpointChoice, type FoundationFacts} from '../doctor/cloud-controller-checks.js'
import {checkEndpointChain, type ChainTarget} from '../doctor/endpoint-chain.js'
import {checkLogCache} from '../doctor/log-cache-check.js'
import {checkLogin, type Login} from '../doctor/login-checks.js'
import {DoctorReport, failedCheck} from '../doctor/report.js'
import {reportJson} from '../doctor/report-json.js'
import {checkLines, type MarkStyle, summaryLines} from '../doctor/report-text.js'
import {appStreamUrl, firehoseUrl, resolveEndpoint} from '../endpoint/resolve.js'
import {CfwsError} from '../errors.js'
import {notice} from './notice.js'
import {endpointOrigin, requireFirehoseScope} from './session.js'

export interface DoctorRun {
  app?: string
  firehose: boolean
  /** Try the other endpoints of the foundation even when the configured one works. */
  probe: boolean
  /** --endpoint or CFWS_LOGGER_ENDPOINT (oclif fills the flag from the variable). */
  endpointFlag?: string
  skipSslValidation: boolean
  json: boolean
  style: MarkStyle
  /** Ctrl-C: every step stops at once. */
  signal: AbortSignal
  env?: NodeJS.ProcessEnv
}

// An app no foundation has: the upgrade without a token needs a path, and a Traffic Controller
// answers 401 before it looks at the app.
const PLACEHOLDER_APP_GUID = '00000000-0000-0000-0000-000000000000'

/**
 * `cfws doctor`: every check in order, one line each on stdout as it ends (or one JSON document at
 * the end), continuing past a failure with what can still be learned. Resolves with the exit code:
 * 0 when a stream works, else the contract's code of the first failure.
 */
export async function runDoctor(run: DoctorRun): Promise<number> {
  const write = (lines: string[]): void => {
    process.stdout.write(lines.map((line) => `${line}\n`).join(''))
  }

  const report = new DoctorReport(run.json ? {} : {check: (check) => write(checkLines(check, run.style))})
  const env = run.env ?? process.env
  const login = await checkLogin(report, {
    skipSslValidation: run.skipSslValidation,
    firehose: run.firehose,
    signal: run.signal,
    env,
    onNotice: notice,
    requireFirehoseScope: async (session) => requireFirehoseScope(session, false),
  })
  const choice: EndpointChoice = run.endpointFlag === undefined ? {} : {given: {value: run.endpointFlag, origin: endpointOrigin(run.endpointFlag, env)}}
  const facts = login ? await checkFoundation(report, login, choice, run.app, run.signal) : givenEndpointOnly(report, choice)
  if (facts.endpoint) await checkEndpointChain(report, chainTarget(run, report, login, facts))
  if (run.app !== undefined) {
    const why = logCacheBlocked(login, facts)
    if (why) report.skip('log cache', why)
    else await checkLogCache(report, {baseUrl: facts.logCache!, appGuid: facts.appGuid!, tokens: login!.tokens, verifyTls: login!.verifyTls, signal: run.signal})
  }

  write(run.json ? [reportJson(report, {app: run.app, kind: run.firehose ? 'firehose' : run.app === undefined ? 'none' : 'app'}).trimEnd()] : summaryLines(report, false))
  return report.exitCode()
}

/** Without a cf login there is no Cloud Controller to ask; an endpoint given by hand can still be probed. */
function givenEndpointOnly(report: DoctorReport, choice: EndpointChoice): FoundationFacts {
  for (const name of ['cloud controller', 'log cache endpoint', 'app']) report.skip(name, 'needs a cf login')
  if (!choice.given) {
    report.skip('logger endpoint', 'needs a cf login, or --endpoint')
    return {}
  }

  try {
    const endpoint = resolveEndpoint(choice.given.value, choice.given.origin)
    report.add({name: 'logger endpoint', status: 'ok', detail: `${endpoint.href} from ${choice.given.origin}`, durationMs: 0})
    return {endpoint}
  } catch (error) {
    if (!(error instanceof CfwsError)) throw error
    report.add(failedCheck('logger endpoint', error, 0))
    return {}
  }
}

function chainTarget(run: DoctorRun, report: DoctorReport, login: Login | undefined, facts: FoundationFacts): ChainTarget {
  const endpoint = facts.endpoint!
  const base = {endpoint, verifyTls: login?.verifyTls ?? !run.skipSslValidation, signal: run.signal}
  const noToken = !login?.tokenUsable ? 'needs a valid token' : run.firehose && !report.passed('scopes') ? 'needs the doppler.firehose scope' : undefined
  if (run.firehose) {
    const url = firehoseUrl(endpoint, `cfws-doctor-${randomBytes(5).toString('hex')}`)
    return {...base, streamUrl: url, kind: 'firehose', tokens: noToken ? undefined : login!.tokens, noTokenReason: noToken}
  }

  const placeholder = {...base, streamUrl: appStreamUrl(endpoint, PLACEHOLDER_APP_GUID), kind: 'app' as const}
  if (run.app === undefined) return {...placeholder, noTokenReason: 'give APP (or --firehose) to try the token on a stream'}
  if (noToken || !facts.appGuid) return {...placeholder, noTokenReason: noToken ?? 'needs the app'}
  return {...base, streamUrl: appStreamUrl(endpoint, facts.appGuid), kind: 'app', tokens: login!.tokens}
}

function logCacheBlocked(login: Login | undefined, facts: FoundationFacts): string | undefined {
  if (!login?.tokenUsable) return 'needs a valid token'
  if (!facts.logCache) return 'no Log Cache endpoint'
  return facts.appGuid ? undefined : 'needs the app'
}
