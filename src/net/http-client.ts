import {Agent as HttpAgent, type ClientRequest, type IncomingMessage, request as httpRequest} from 'node:http'
import {Agent as HttpsAgent, request as httpsRequest} from 'node:https'

import {EndpointError} from '../errors.js'
import {trace, traceHeaders} from '../trace.js'
import {isCleartextToRemote} from './loopback.js'
import {describeCancelledRequest, describeNetworkFailure, describeOversizedAnswer} from './network-error.js'
import {proxyFailure, type ProxyRoute, proxyRouteFor} from './proxy.js'
import {USER_AGENT} from './user-agent.js'

export interface HttpOptions {
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** Whether to verify TLS certificates (off with --skip-ssl-validation or SSLDisabled). */
  verifyTls: boolean
  /** Names the server in error messages: "the Cloud Controller", "UAA". */
  serverName: string
  /**
   * The whole exchange, from sending to the last byte of the body (default 30 s): a server that
   * drips its answer, or a proxy that never answers the CONNECT, is cut off as surely as a silent one.
   */
  timeoutMs?: number
  /** Destroys the request, its answer and its proxy tunnel at once when it aborts: rejects with ABORTED. */
  signal?: AbortSignal
  /** The most body bytes taken (default 16 MiB); past it the answer is cut off: RESPONSE_TOO_LARGE. */
  maxBodyBytes?: number
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The body as UTF-8 text; `raw` has its bytes (a multipart protobuf body is not text). */
  body: string
  raw: Buffer
}

const DEFAULT_TIMEOUT_MS = 30_000
// Far above an ordinary answer (a Log Cache page of 1000 log lines is a few hundred KiB) and far
// below what breaks: a 600 MB answer crashed cfws with ERR_STRING_TOO_LONG.
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 ** 2
// What goes direct (no proxy set, loopback, NO_PROXY) goes through an agent of cfws's own, not Node's
// global one: with NODE_USE_ENV_PROXY=1 (Node 22.21 and 24.5 on) that one sends every request through
// HTTP(S)_PROXY itself, past cfws's choice, so a demo's Cloud Controller on 127.0.0.1 went to the proxy
// and the proxy's refusal read as the Cloud Controller's. An agent made here never proxies; it keeps
// connections alive, as the global one does since Node 19.
const DIRECT_AGENTS = {'http:': new HttpAgent({keepAlive: true}), 'https:': new HttpsAgent({keepAlive: true})}

/**
 * One HTTP exchange with node:http(s). Not `fetch`: TLS verification and the proxy agent are
 * per-request options here, and nock intercepts it in tests. Whatever ends the exchange (answer,
 * error, deadline, size cap, abort) clears its timer and destroys what is still open, so nothing
 * outlives it.
 */
export async function sendHttp(url: URL, options: HttpOptions): Promise<HttpResponse> {
  const headers = {'user-agent': USER_AGENT, accept: 'application/json', ...options.headers}
  if (hasCredential(headers) && isCleartextToRemote(url)) {
    throw new EndpointError(
      'CLEARTEXT_REFUSED',
      `Refusing to send a token over plain ${url.protocol}// to ${url.host}`,
      {
        hint: 'Use an https:// API endpoint (cf api https://…).',
      },
    )
  }

  const method = options.method ?? 'GET'
  const proxy = await proxyRouteFor(url)
  if (options.signal?.aborted)
    throw describeCancelledRequest(options.serverName, `${method} ${url.pathname}`, options.signal.reason)
  trace(`> ${method} ${url.href}`)
  traceHeaders('>', headers)
  return exchange(url, {...options, method, headers}, proxy)
}

/** Whether the answer is a web page (a proxy's error or login page), as its type or its first character says. */
export function isHtmlAnswer(response: HttpResponse): boolean {
  return /html/i.test(String(response.headers['content-type'])) || response.body.trimStart().startsWith('<')
}

/** The parsed JSON body, or undefined when the body is not JSON. */
export function parseJsonBody(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body)
  } catch {
    return undefined
  }
}

type Exchange = HttpOptions & {method: 'GET' | 'POST'; headers: Record<string, string>}

async function exchange(url: URL, options: Exchange, proxy: ProxyRoute | undefined): Promise<HttpResponse> {
  const {signal} = options
  const described = `${options.method} ${url.pathname}`
  const failure = (error: unknown): Error =>
    proxyFailure(proxy, url, error) ?? describeNetworkFailure(error, url, options.serverName)
  return new Promise<HttpResponse>((resolve, reject) => {
    let response: IncomingMessage | undefined
    let settled = false
    const settle = (error: Error | undefined, answer?: HttpResponse): void => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      signal?.removeEventListener('abort', onAbort)
      if (error) {
        request.destroy()
        response?.destroy()
        proxy?.close()
        reject(error)
      } else {
        resolve(answer!)
      }
    }

    const onAbort = (): void => settle(describeCancelledRequest(options.serverName, described, signal?.reason))
    signal?.addEventListener('abort', onAbort, {once: true})
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const deadline = setTimeout(() => settle(failure(timedOut(timeoutMs))), timeoutMs)
    const secure = url.protocol === 'https:'
    const send = secure ? httpsRequest : httpRequest
    const agent = proxy?.agent ?? DIRECT_AGENTS[secure ? 'https:' : 'http:']
    const request: ClientRequest = send(
      url,
      {method: options.method, headers: options.headers, rejectUnauthorized: options.verifyTls, agent},
      (answer) => {
        response = answer
        trace(`< ${answer.statusCode ?? 0} ${answer.statusMessage ?? ''} (${url.pathname})`)
        traceHeaders('<', answer.headers)
        const refused = proxyFailure(proxy, url)
        if (refused) {
          settle(refused)
          return
        }

        readBody(answer, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, {
          done: (raw) =>
            settle(undefined, {
              status: answer.statusCode ?? 0,
              headers: answer.headers,
              body: raw.toString('utf8'),
              raw,
            }),
          tooLarge: (maxBytes) => settle(describeOversizedAnswer(options.serverName, described, maxBytes)),
          failed: (error) => settle(failure(error)),
        })
      },
    )
    // Stays attached after the settle: a destroyed request may still report an error, harmlessly.
    request.on('error', (error) => settle(failure(error)))
    request.end(options.body)
  })
}

interface BodyOutcome {
  done(raw: Buffer): void
  tooLarge(maxBytes: number): void
  failed(error: unknown): void
}

/** Collects the body up to `maxBytes`, refusing early when Content-Length already says it is more. */
function readBody(response: IncomingMessage, maxBytes: number, outcome: BodyOutcome): void {
  response.on('error', (error) => outcome.failed(error))
  if (Number(response.headers['content-length']) > maxBytes) {
    outcome.tooLarge(maxBytes)
    return
  }

  const chunks: Buffer[] = []
  let size = 0
  response.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size > maxBytes) outcome.tooLarge(maxBytes)
    else chunks.push(chunk)
  })
  response.on('end', () => outcome.done(Buffer.concat(chunks)))
}

function timedOut(timeoutMs: number): Error {
  return Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), {code: 'ETIMEDOUT'})
}

function hasCredential(headers: Record<string, string>): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')
}
