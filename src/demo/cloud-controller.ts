import type {IncomingMessage} from 'node:http'

import {DEMO_APPS, DEMO_SPACE} from './catalog.js'
import {type Handler, listenOnLoopback, type LoopbackServer} from './http-server.js'
import type {DemoUaa} from './uaa.js'

export interface CloudControllerLinks {
  /** The Traffic Controller, as `doppler_logging_endpoint` and `links.logging`. */
  loggingUrl: string
  logCacheUrl: string
}

/**
 * The demo's Cloud Controller and UAA on one server: discovery (`/v2/info`, the root document's
 * links), the app lookup by name in a space, and UAA's token refresh and /info (PROTOCOL.md §2, §4), with
 * the answers and errors the real ones give.
 */
export async function startCloudController(uaa: DemoUaa, links: () => CloudControllerLinks): Promise<LoopbackServer> {
  let self = ''
  const handler: Handler = (request, url, body) => {
    const {loggingUrl, logCacheUrl} = links()
    if (request.method === 'POST' && url.pathname === '/oauth/token') return token(uaa, request, body)
    if (url.pathname === '/v2/info')
      return {
        status: 200,
        body: {
          name: 'cfws demo',
          api_version: '2.250.0',
          authorization_endpoint: self,
          token_endpoint: self,
          doppler_logging_endpoint: loggingUrl,
        },
      }
    if (url.pathname === '/') {
      const link = (href: string) => ({href})
      return {
        status: 200,
        body: {
          links: {
            self: link(self),
            cloud_controller_v3: link(`${self}/v3`),
            logging: link(loggingUrl),
            log_cache: link(logCacheUrl),
            login: link(self),
            uaa: link(self),
          },
        },
      }
    }

    // UAA's own page, which `cfws doctor` asks to tell a UAA that answers from one that fails.
    if (url.pathname === '/info')
      return {status: 200, body: {app: {version: '78.0.0'}, zone_name: 'uaa', links: {uaa: self, login: self}}}
    if (url.pathname === '/v3/apps') return listApps(uaa, request, url.searchParams)
    return ccError(404, 10_000, 'CF-NotFound', 'Unknown request')
  }

  const server = await listenOnLoopback(handler)
  self = server.url
  return server
}

function token(uaa: DemoUaa, request: IncomingMessage, body: string) {
  const grant = uaa.refresh(new URLSearchParams(body), request.headers.authorization)
  return grant
    ? {status: 200, body: grant}
    : {status: 401, body: {error: 'invalid_token', error_description: 'The refresh token is not valid.'}}
}

/** `GET /v3/apps?names=…&space_guids=…`: `names` is a comma-separated list; no match is 200 with no resources. */
function listApps(uaa: DemoUaa, request: IncomingMessage, query: URLSearchParams) {
  if (!uaa.scopesOf(request.headers.authorization)?.includes('cloud_controller.read'))
    return ccError(401, 1000, 'CF-InvalidAuthToken', 'Invalid Auth Token')
  const names = query.get('names')?.split(',')
  const spaces = query.get('space_guids')?.split(',')
  const resources = DEMO_APPS.filter(
    (app) => (!names || names.includes(app.name)) && (!spaces || spaces.includes(DEMO_SPACE.guid)),
  ).map((app) => ({
    guid: app.guid,
    name: app.name,
    state: 'STARTED',
    relationships: {space: {data: {guid: DEMO_SPACE.guid}}},
  }))
  return {status: 200, body: {pagination: {total_results: resources.length, total_pages: 1, next: null}, resources}}
}

function ccError(status: number, code: number, title: string, detail: string) {
  return {status, body: {errors: [{code, title, detail}]}}
}
