import {request as httpRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'

import {EndpointError} from '../errors.js'
import {trace, traceHeaders} from '../trace.js'
import {isCleartextToRemote} from './loopback.js'
import {describeNetworkFailure} from './network-error.js'
import {proxyFailure, proxyRouteFor} from './proxy.js'

export interface HttpOptions {
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** Whether to verify TLS certificates (off with --skip-ssl-validation or SSLDisabled). */
  verifyTls: boolean
  /** Names the server in error messages: "the Cloud Controller", "UAA". */
  serverName: string
  timeoutMs?: number
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The body as UTF-8 text; `raw` has its bytes (a multipart protobuf body is not text). */
  body: string
  raw: Buffer
}

const DEFAULT_TIMEOUT_MS = 30_000

/**
 * One HTTP exchange with node:http(s). Not `fetch`: TLS verification and the proxy agent are
 * per-request options here, and nock intercepts it in tests.
 */
export async function sendHttp(url: URL, options: HttpOptions): Promise<HttpResponse> {
  const headers = {'user-agent': 'cfws', accept: 'application/json', ...options.headers}
  if (hasCredential(headers) && isCleartextToRemote(url)) {
    throw new EndpointError('CLEARTEXT_REFUSED', `Refusing to send a token over plain ${url.protocol}// to ${url.host}`, {
      hint: 'Use an https:// API endpoint (cf api https://…).',
    })
  }

  const method = options.method ?? 'GET'
  trace(`> ${method} ${url.href}`)
  traceHeaders('>', headers)
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  const proxy = await proxyRouteFor(url)
  const failure = (error: unknown): Error => proxyFailure(proxy, url, error) ?? describeNetworkFailure(error, url, options.serverName)
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = send(url, {method, headers, rejectUnauthorized: options.verifyTls, agent: proxy?.agent}, (response) => {
      const refused = proxyFailure(proxy, url)
      if (refused) {
        response.resume()
        reject(refused)
        return
      }

      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', (error) => reject(failure(error)))
      response.on('end', () => {
        const status = response.statusCode ?? 0
        trace(`< ${status} ${response.statusMessage ?? ''} (${url.pathname})`)
        traceHeaders('<', response.headers)
        const raw = Buffer.concat(chunks)
        resolve({status, headers: response.headers, body: raw.toString('utf8'), raw})
      })
    })
    request.setTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
      request.destroy(Object.assign(new Error('timed out'), {code: 'ETIMEDOUT'}))
    })
    request.on('error', (error) => reject(failure(error)))
    request.end(options.body)
  })
}

/** The parsed JSON body, or undefined when the body is not JSON. */
export function parseJsonBody(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body)
  } catch {
    return undefined
  }
}

function hasCredential(headers: Record<string, string>): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')
}
