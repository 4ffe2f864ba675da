import {AuthError, CfwsError, EndpointError, ForbiddenError, HINTS, NotFoundError} from '../errors.js'
import {type HttpResponse, isHtmlAnswer, parseJsonBody, sendHttp} from '../net/http-client.js'
import {sendWithRefresh, type TokenHolder} from './tokens.js'

const SERVER_NAME = 'the Cloud Controller'

export interface CloudControllerOptions {
  /** The cf config's Target, e.g. https://api.sys.example.com */
  target: string
  verifyTls: boolean
  /** Cuts every request short when it aborts (the run's end). */
  signal?: AbortSignal
  /** Each request's bound (sendHttp's default otherwise): cfws doctor's is shorter. */
  timeoutMs?: number
}

/**
 * Where the Traffic Controller lives: `/v2/info` → `doppler_logging_endpoint`, or, on a foundation
 * without the v2 API (404), the root document's `links.logging.href` (PROTOCOL.md §2).
 */
export async function discoverLoggingEndpoint(options: CloudControllerOptions): Promise<string> {
  return (await discoverLoggingEndpointWithSource(options)).endpoint
}

export interface LoggingEndpointDiscovery {
  endpoint: string
  /** Which document named it: what cfws doctor tells the operator. */
  source: '/v2/info' | 'root links.logging'
  /** `api_version` of /v2/info, or the v3 API's version from the root document. */
  apiVersion?: string
}

/** discoverLoggingEndpoint, with where the endpoint came from and the API version on the way. */
export async function discoverLoggingEndpointWithSource(
  options: CloudControllerOptions,
): Promise<LoggingEndpointDiscovery> {
  const info = await getJson(options, '/v2/info')
  if (info.status !== 404) {
    const {doppler_logging_endpoint: endpoint, api_version: apiVersion} = jsonAnswer(info, '/v2/info') as {
      doppler_logging_endpoint?: unknown
      api_version?: unknown
    }
    if (typeof endpoint === 'string' && endpoint) {
      return {endpoint, source: '/v2/info', apiVersion: typeof apiVersion === 'string' ? apiVersion : undefined}
    }

    throw noLoggingEndpoint(options.target, '/v2/info answered 200 without doppler_logging_endpoint')
  }

  const root = jsonAnswer(await getJson(options, '/'), '/')
  const href = linkOf(root, 'logging')
  const version = (root as {links?: {cloud_controller_v3?: {meta?: {version?: unknown}}}}).links?.cloud_controller_v3
    ?.meta?.version
  if (href)
    return {endpoint: href, source: 'root links.logging', apiVersion: typeof version === 'string' ? version : undefined}
  throw noLoggingEndpoint(options.target, 'its root document answered 200 without links.logging')
}

/**
 * The JSON of a 200 answer. Anything else is not the Cloud Controller saying it has no logging
 * endpoint: a failing status, or a body that is not JSON (a proxy's error or login page).
 */
function jsonAnswer(response: HttpResponse & {json: unknown}, path: string): object {
  if (response.status !== 200) throw unexpectedAnswer(response, path)
  if (response.json === undefined)
    throw notTheCloudController(path, isHtmlAnswer(response) ? 'an HTML page, not JSON' : 'not JSON')
  return typeof response.json === 'object' && response.json !== null ? response.json : {}
}

/** Log Cache as the root document advertises it (`links.log_cache.href`), or undefined when it does not. */
export async function discoverLogCache(options: CloudControllerOptions): Promise<string | undefined> {
  // A failing root document says nothing of Log Cache: told as the failure, not as "none".
  return linkOf(jsonAnswer(await getJson(options, '/'), '/'), 'log_cache')
}

function linkOf(document: unknown, name: string): string | undefined {
  const href = (document as {links?: Record<string, {href?: unknown} | null>} | undefined)?.links?.[name]?.href
  return typeof href === 'string' && href ? href : undefined
}

export interface AppLookup {
  name: string
  space: {guid: string; name: string}
  org: {name: string}
}

/**
 * The GUID of the app named exactly `name` in the targeted space (not found is a 200 with no
 * resources). The Cloud Controller reads `names=` as a comma-separated list with no escape, so
 * every resource's name is checked, and a name with a comma in it is looked for among all the
 * space's apps instead, page by page.
 */
export async function findAppGuid(
  options: CloudControllerOptions,
  tokens: TokenHolder,
  app: AppLookup,
): Promise<string> {
  const filter: Record<string, string> = app.name.includes(',') ? {per_page: '5000'} : {names: app.name}
  const path = `/v3/apps?${new URLSearchParams({...filter, space_guids: app.space.guid}).toString()}`
  for await (const found of appsOfPages(options, tokens, path, app.space.name, (name) => name === app.name))
    return found.guid
  throw new NotFoundError(
    'APP_NOT_FOUND',
    `App '${app.name}' not found in space ${app.space.name} of org ${app.org.name}`,
    {
      hint: "Check the name with 'cf apps', or target another space with 'cf target -s SPACE'.",
    },
  )
}

/**
 * The apps of the pages from `path` on (the next page fetched only when asked for) whose name
 * `wanted` takes, each GUID checked: `names=` is matched by the Cloud Controller as a list, so
 * every name is checked again here.
 */
export async function* appsOfPages(
  options: CloudControllerOptions,
  tokens: TokenHolder,
  path: string,
  spaceName: string,
  wanted: (name: string) => boolean,
): AsyncGenerator<{name: string; guid: string}> {
  for (let next: string | undefined = path; next;) {
    const page = await getAppsPage(options, tokens, next, spaceName)
    for (const {name, guid} of page.resources) {
      if (typeof name === 'string' && typeof guid === 'string' && wanted(name))
        yield {name, guid: checkedGuid(guid, name)}
    }

    next = page.nextPath
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The Traffic Controller answers a stream for a non-GUID id with a 401, which would read as a bad token. */
export function checkedGuid(guid: string, name: string): string {
  if (GUID.test(guid)) return guid
  throw new EndpointError(
    'CC_INVALID_APP_GUID',
    `The Cloud Controller gave app '${name}' the id '${guid}', which is not a GUID`,
    {
      hint: `The Traffic Controller streams logs by app GUID only. Compare with 'cf app ${name} --guid': something between cfws and the Cloud Controller may rewrite its answers.`,
    },
  )
}

interface AppsPage {
  resources: Array<{guid?: unknown; name?: unknown}>
  /** The next page's path and query on the same Cloud Controller, or undefined on the last. */
  nextPath?: string
}

async function getAppsPage(
  options: CloudControllerOptions,
  tokens: TokenHolder,
  path: string,
  spaceName: string,
): Promise<AppsPage> {
  const response = await sendWithRefresh(
    tokens,
    async (authorization) => getJson(options, path, authorization),
    (answer) => answer.status === 401,
  )
  if (response.status === 401) {
    throw new AuthError('CC_UNAUTHORIZED', 'The Cloud Controller rejected the token even after a refresh', {
      hint: HINTS.login,
    })
  }

  if (response.status === 403) {
    throw new ForbiddenError('CC_FORBIDDEN', `Not allowed to look up apps in space ${spaceName}`, {
      hint: 'Ask a space manager for the space developer, manager or auditor role.',
    })
  }

  if (response.status !== 200) throw unexpectedAnswer(response, path)
  const body = response.json as {resources?: unknown; pagination?: {next?: {href?: unknown} | null}} | undefined
  // Read as "no apps", a proxy's page would end every stream of --all at the next look.
  if (!Array.isArray(body?.resources)) throw notTheCloudController(path, 'not a list of apps')

  const resources = body.resources as AppsPage['resources']
  const next = body?.pagination?.next?.href
  // Only the path is followed: the token goes nowhere but the configured Target.
  const nextPath = typeof next === 'string' && URL.canParse(next) ? pathAndQuery(new URL(next)) : undefined
  return {resources, nextPath: nextPath === path ? undefined : nextPath}
}

function pathAndQuery(url: URL): string {
  return url.pathname + url.search
}

async function getJson(
  options: CloudControllerOptions,
  path: string,
  authorization?: string,
): Promise<HttpResponse & {json: unknown}> {
  const headers: Record<string, string> = authorization ? {authorization} : {}
  const response = await sendHttp(new URL(options.target + path), {
    headers,
    verifyTls: options.verifyTls,
    serverName: SERVER_NAME,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  })
  return {...response, json: parseJsonBody(response)}
}

function noLoggingEndpoint(target: string, detail: string): CfwsError {
  return new EndpointError(
    'NO_LOGGING_ENDPOINT',
    `The Cloud Controller at ${target} does not name a logging endpoint: ${detail}`,
    {
      hint: 'Give the Traffic Controller with --endpoint wss://doppler.SYSTEM_DOMAIN:443 (or CFWS_LOGGER_ENDPOINT).',
    },
  )
}

/**
 * A status other than the one asked for. The Cloud Controller answers its errors in JSON, so one
 * in HTML or plain text comes from something in front of it.
 */
function unexpectedAnswer(response: HttpResponse & {json: unknown}, path: string): CfwsError {
  return new EndpointError(
    'CC_UNEXPECTED_STATUS',
    `The Cloud Controller answered ${response.status} to GET ${path.split('?')[0]}`,
    {
      hint:
        response.json === undefined
          ? notTheCloudControllerHint(path)
          : 'The Cloud Controller may be unhealthy; try again, or check `cf curl /v3/info`.',
    },
  )
}

/** A 200 whose body is not what `path` gives. */
function notTheCloudController(path: string, what: string): CfwsError {
  return new EndpointError(
    'CC_UNEXPECTED_ANSWER',
    `The Cloud Controller's answer to GET ${path.split('?')[0]} is ${what}`,
    {hint: notTheCloudControllerHint(path)},
  )
}

function notTheCloudControllerHint(path: string): string {
  return `Something other than the Cloud Controller may be answering (a proxy, a load balancer): check \`cf curl ${path.split('?')[0]}\` and HTTPS_PROXY.`
}
