import {randomBytes} from 'node:crypto'

import {candidateEndpoints, commandsFor, probeCandidates, systemDomainOf} from '../doctor/candidates.js'
import {checkFoundation, type EndpointChoice, type FoundationFacts} from '../doctor/cloud-controller-checks.js'
import {checkEndpointChain, shownEndpoint} from '../doctor/endpoint-chain.js'
import {checkLogCache} from '../doctor/log-cache-check.js'
import {checkLogin, type Login} from '../doctor/login-checks.js'
import {DoctorReport, failedCheck} from '../doctor/report.js'
import {reportJson} from '../doctor/report-json.js'
import {candidateLine, checkLines, type MarkStyle, summaryLines} from '../doctor/report-text.js'
import {appStreamUrl, firehoseUrl, resolveEndpoint} from '../endpoint/resolve.js'
import {CfwsError, type EndingSignal} from '../errors.js'
import type {StreamKind} from '../stream/handshake-failure.js'
import type {TokenHolder} from '../cf/tokens.js'
import {notice} from './notice.js'
import {endpointOrigin, requireFirehoseScope} from './session.js'

/** The signal that ended the run, as the command aborts with it; SIGINT when it gave none. */
function interruptingSignal(signal: AbortSignal): EndingSignal {
  return signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'
}

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
  /** Ctrl-C: every step stops at once; aborted with the signal's name (SIGINT, SIGTERM). */
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

  const report = new DoctorReport(
    run.json
      ? {}
      : {
          check: (check) => write(checkLines(check, run.style)),
          candidate: (candidate) => write([candidateLine(candidate, run.style)]),
        },
  )
  // Text is written check by check; a JSON document only at the end, so Ctrl-C writes what was found.
  const writeInterrupted = (): void =>
    write([
      reportJson(report, {
        app: run.app,
        kind: streamKind(run),
        interruptedBy: interruptingSignal(run.signal),
      }).trimEnd(),
    ])
  if (run.json) run.signal.addEventListener('abort', writeInterrupted, {once: true})
  try {
    return await diagnose(run, report, write)
  } finally {
    run.signal.removeEventListener('abort', writeInterrupted)
  }
}

async function diagnose(run: DoctorRun, report: DoctorReport, write: (lines: string[]) => void): Promise<number> {
  const env = run.env ?? process.env
  const login = await checkLogin(report, {
    skipSslValidation: run.skipSslValidation,
    firehose: run.firehose,
    signal: run.signal,
    env,
    onNotice: notice,
    requireFirehoseScope: async (session) => requireFirehoseScope(session, false),
  })
  const choice: EndpointChoice =
    run.endpointFlag === undefined
      ? {}
      : {given: {value: run.endpointFlag, origin: endpointOrigin(run.endpointFlag, env)}}
  const facts = login
    ? await checkFoundation(report, login, choice, run.app, run.signal)
    : givenEndpointOnly(report, choice)
  const plan = streamPlan(run, report, login, facts)
  const verifyTls = login?.verifyTls ?? !run.skipSslValidation
  const {endpoint} = facts
  const chain = endpoint
    ? await checkEndpointChain(report, {
        ...plan,
        endpoint,
        streamUrl: plan.streamPath(endpoint),
        verifyTls,
        signal: run.signal,
      })
    : undefined
  if (run.app !== undefined) {
    const why = logCacheBlocked(login, facts)
    if (why) report.skip('log cache', why)
    else
      await checkLogCache(report, {
        baseUrl: facts.logCache!,
        appGuid: facts.appGuid!,
        tokens: login!.tokens,
        verifyTls: login!.verifyTls,
        signal: run.signal,
      })
  }

  const systemDomain = systemDomainOf(login?.config.target ?? '', endpoint)
  const endpointFailed = chain ? !chain.upgradePasses : true
  const candidates = run.probe || endpointFailed ? candidateEndpoints(systemDomain, endpoint) : []
  if (candidates.length > 0) {
    if (!run.json)
      write([
        `Trying ${candidates.length} other endpoints${systemDomain ? ` of ${systemDomain}` : ''}, each without the token first:`,
      ])
    const best = await probeCandidates(report, {...plan, candidates, systemDomain, verifyTls, signal: run.signal})
    if (best && endpointFailed)
      report.recommendation = {
        endpoint: shownEndpoint(best),
        commands: commandsFor(best, {kind: streamKind(run), app: run.app}),
      }
  }

  // Aborted, the process is ending: --json wrote its report then, and a summary would judge checks cut short.
  if (run.signal.aborted) return report.exitCode()
  write(
    run.json
      ? [reportJson(report, {app: run.app, kind: streamKind(run)}).trimEnd()]
      : summaryLines(report, candidates.length > 0),
  )
  return report.exitCode()
}

function streamKind(run: DoctorRun): 'app' | 'firehose' | 'none' {
  return run.firehose ? 'firehose' : run.app === undefined ? 'none' : 'app'
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
    report.add({
      name: 'logger endpoint',
      status: 'ok',
      detail: `${shownEndpoint(endpoint)} from ${choice.given.origin}`,
      durationMs: 0,
    })
    return {endpoint}
  } catch (error) {
    if (!(error instanceof CfwsError)) throw error
    report.add(failedCheck('logger endpoint', error, 0))
    return {}
  }
}

interface StreamPlan {
  kind: StreamKind
  /** The stream to try under an endpoint, the same on every candidate. */
  streamPath: (endpoint: URL) => URL
  tokens?: TokenHolder
  noTokenReason?: string
}

/** What to stream, and whether with the token: the app, the firehose, or only a tokenless upgrade. */
function streamPlan(
  run: DoctorRun,
  report: DoctorReport,
  login: Login | undefined,
  facts: FoundationFacts,
): StreamPlan {
  const noToken = !login?.tokenUsable
    ? 'needs a valid token'
    : run.firehose && !report.passed('scopes')
      ? 'needs the doppler.firehose scope'
      : undefined
  const tokens = noToken ? undefined : login!.tokens
  if (run.firehose) {
    const subscription = `cfws-doctor-${randomBytes(5).toString('hex')}`
    return {
      kind: 'firehose',
      streamPath: (endpoint) => firehoseUrl(endpoint, subscription),
      tokens,
      noTokenReason: noToken,
    }
  }

  const placeholder = {
    kind: 'app' as const,
    streamPath: (endpoint: URL) => appStreamUrl(endpoint, PLACEHOLDER_APP_GUID),
  }
  if (run.app === undefined)
    return {...placeholder, noTokenReason: 'give APP (or --firehose) to try the token on a stream'}
  const {appGuid} = facts
  if (noToken || !appGuid) return {...placeholder, noTokenReason: noToken ?? 'needs the app'}
  return {kind: 'app', streamPath: (endpoint) => appStreamUrl(endpoint, appGuid), tokens}
}

function logCacheBlocked(login: Login | undefined, facts: FoundationFacts): string | undefined {
  if (!login?.tokenUsable) return 'needs a valid token'
  if (!facts.logCache) return 'no Log Cache endpoint'
  return facts.appGuid ? undefined : 'needs the app'
}
