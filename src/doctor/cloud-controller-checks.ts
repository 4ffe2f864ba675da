import {
  type CloudControllerOptions,
  discoverLogCache,
  discoverLoggingEndpointWithSource,
  findAppGuid,
  type LoggingEndpointDiscovery,
} from '../cf/cloud-controller.js'
import {requireTargetedSpace} from '../cf/config.js'
import {type EndpointOrigin, resolveEndpoint} from '../endpoint/resolve.js'
import {CfwsError} from '../errors.js'
import {shownEndpoint} from './endpoint-chain.js'
import type {Login} from './login-checks.js'
import {routeNote} from './proxy-check.js'
import {type DoctorReport, failedCheck} from './report.js'
import {HTTP_STEP_MS, httpStepLimits, runTimed, type StepLimits} from './timed-step.js'

export interface EndpointChoice {
  /** --endpoint or CFWS_LOGGER_ENDPOINT as given, and which of the two it was. */
  given?: {value: string; origin: EndpointOrigin}
}

export interface FoundationFacts {
  /** The logger endpoint to probe, or undefined when none could be found. */
  endpoint?: URL
  logCache?: string
  appGuid?: string
}

/**
 * Cloud Controller reachable and its API version; where the logger endpoint comes from (flag, env,
 * /v2/info, root links.logging, or the cf config's DopplerEndPoint when the Cloud Controller is out
 * of reach) and whether the config's copy is stale; Log Cache; the app's GUID.
 */
export async function checkFoundation(
  report: DoctorReport,
  login: Login,
  choice: EndpointChoice,
  app: string | undefined,
  signal: AbortSignal,
  httpStepMs = HTTP_STEP_MS,
): Promise<FoundationFacts> {
  const {config} = login
  const cc = {target: config.target, verifyTls: login.verifyTls, timeoutMs: httpStepMs}
  const target = new URL(config.target)
  const limits = httpStepLimits(target, 'the Cloud Controller', signal, httpStepMs)
  const discovery = await runTimed(
    async (stepSignal) => discoverLoggingEndpointWithSource({...cc, signal: stepSignal}),
    limits,
  )
  if (discovery.ok) {
    const version = discovery.value.apiVersion ? `API ${discovery.value.apiVersion}` : 'API version not given'
    report.add({
      name: 'cloud controller',
      status: 'ok',
      detail: `${config.target} answered: ${version}${routeNote(target)}`,
      durationMs: discovery.durationMs,
    })
  } else {
    report.add(failedCheck('cloud controller', discovery.error, discovery.durationMs))
  }

  const facts: FoundationFacts = {
    endpoint: checkLoggerEndpoint(report, login, choice, discovery.ok ? discovery.value : undefined),
  }
  const logCache = await runTimed(async (stepSignal) => discoverLogCache({...cc, signal: stepSignal}), limits)
  facts.logCache = (logCache.ok ? logCache.value : undefined) ?? config.logCacheEndpoint
  const from = logCache.ok && logCache.value ? 'root links.log_cache' : "the cf config's LogCacheEndPoint"
  if (facts.logCache)
    report.add({
      name: 'log cache endpoint',
      status: 'ok',
      detail: `${facts.logCache} (from ${from})${URL.canParse(facts.logCache) ? routeNote(new URL(facts.logCache)) : ''}`,
      durationMs: logCache.durationMs,
    })
  else {
    report.add({
      name: 'log cache endpoint',
      status: 'warn',
      detail: logCache.ok
        ? 'none advertised (root links.log_cache) nor in the cf config'
        : `unknown: ${logCache.error.message}`,
      durationMs: logCache.durationMs,
      fix: '--recent then asks the Traffic Controller, which stopped serving recent logs in 2022, and a reconnect cannot backfill the gap.',
    })
  }

  if (app === undefined) report.skip('app', 'no APP given')
  else if (!login.tokenUsable) report.skip('app', 'needs a valid token')
  else facts.appGuid = await checkApp(report, login, app, {cc, limits})
  return facts
}

function checkLoggerEndpoint(
  report: DoctorReport,
  login: Login,
  choice: EndpointChoice,
  discovered: LoggingEndpointDiscovery | undefined,
): URL | undefined {
  const stale = login.config.dopplerEndpoint
  const name = 'logger endpoint'
  let candidate: {value: string; origin: EndpointOrigin; from: string} | undefined
  if (choice.given) candidate = {...choice.given, from: choice.given.origin}
  else if (discovered)
    candidate = {
      value: discovered.endpoint,
      origin: 'the Cloud Controller',
      from: `the Cloud Controller's ${discovered.source}`,
    }
  else if (stale)
    candidate = {
      value: stale,
      origin: 'the Cloud Controller',
      from: "the cf config's DopplerEndPoint (the Cloud Controller did not answer; it may be stale)",
    }
  if (!candidate) {
    report.skip(name, 'the Cloud Controller did not answer, and the cf config has no DopplerEndPoint')
    return undefined
  }

  let endpoint: URL
  try {
    endpoint = resolveEndpoint(candidate.value, candidate.origin)
  } catch (error) {
    if (!(error instanceof CfwsError)) throw error
    report.add(failedCheck(name, error, 0))
    return undefined
  }

  const shown = shownEndpoint(endpoint)
  const notes: string[] = []
  if (choice.given && discovered) notes.push(`the Cloud Controller says ${discovered.endpoint}`)
  const staleDiffers = Boolean(discovered && stale && !sameEndpoint(stale, discovered.endpoint))
  if (staleDiffers)
    notes.push(
      `the cf config's DopplerEndPoint ${stale} differs from the Cloud Controller's: it is stale, and cfws does not use it`,
    )
  const status = staleDiffers || (!discovered && !choice.given) ? 'warn' : 'ok'
  const fix = staleDiffers
    ? "Tools that read DopplerEndPoint from the config use the old endpoint: 'cf login' (or 'cf api') rewrites it."
    : undefined
  report.add({
    name,
    status,
    detail: `${shown} from ${candidate.from}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`,
    durationMs: 0,
    fix,
  })
  return endpoint
}

function sameEndpoint(a: string, b: string): boolean {
  try {
    return resolveEndpoint(a, 'the Cloud Controller').href === resolveEndpoint(b, 'the Cloud Controller').href
  } catch {
    return a === b
  }
}

async function checkApp(
  report: DoctorReport,
  login: Login,
  app: string,
  {cc, limits}: {cc: CloudControllerOptions; limits: StepLimits},
): Promise<string | undefined> {
  const {config} = login
  const step = await runTimed(async (stepSignal) => {
    const space = requireTargetedSpace(config)
    return findAppGuid({...cc, signal: stepSignal}, login.tokens, {name: app, space, org: config.org})
  }, limits)
  if (!step.ok) {
    report.add(failedCheck('app', step.error, step.durationMs))
    return undefined
  }

  report.add({
    name: 'app',
    status: 'ok',
    detail: `${app} is ${step.value} in space ${config.space.name} of org ${config.org.name}`,
    durationMs: step.durationMs,
  })
  return step.value
}
