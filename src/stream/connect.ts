import type {IncomingMessage} from 'node:http'
import WebSocket from 'ws'

import {displayEndpoint} from '../endpoint/resolve.js'
import {describeNetworkFailure} from '../net/network-error.js'
import {proxyFailure, proxyRouteFor} from '../net/proxy.js'
import {trace, traceHeaders} from '../trace.js'
import {describeHandshakeFailure, type StreamKind} from './handshake-failure.js'

export interface ConnectOptions {
  url: URL
  /** The whole Authorization header value (`bearer eyJ…`). */
  authorization: string
  kind: StreamKind
  verifyTls: boolean
  handshakeTimeoutMs: number
  /**
   * Attached before the upgrade completes: frames that arrive in the same read as the 101 answer are
   * emitted right after 'open', before any caller awaiting this promise could listen.
   */
  onFrame: (frame: Buffer) => void
}

const MAX_ERROR_BODY_BYTES = 4096
// A refused upgrade's body only adds detail (a firehose 401's reason): never wait long for it.
const ERROR_BODY_WAIT_MS = 1000

/**
 * Opens the authenticated WebSocket. Resolves with the open socket; rejects with a CfwsError that
 * says why the upgrade failed (network, TLS, or the server's non-101 answer).
 */
export async function openStream(options: ConnectOptions): Promise<WebSocket> {
  const {url} = options
  const where = displayEndpoint(url)
  const headers = {authorization: options.authorization}
  trace(`> GET ${url.href} (WebSocket upgrade)`)
  traceHeaders('>', headers)

  const proxy = await proxyRouteFor(url)
  return new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(url, {headers, rejectUnauthorized: options.verifyTls, perMessageDeflate: false, agent: proxy?.agent})
    socket.on('message', options.onFrame)
    let settled = false
    const settle = (error?: Error): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) {
        socket.terminate()
        proxy?.close()
        reject(error)
      } else {
        resolve(socket)
      }
    }

    // Our own timer rather than ws's handshakeTimeout, whose error carries no code to branch on.
    const failure = (error: unknown): Error => proxyFailure(proxy, url, error) ?? describeNetworkFailure(error, url, 'the Traffic Controller')
    const timer = setTimeout(() => settle(failure({code: 'HANDSHAKE_TIMEOUT'})), options.handshakeTimeoutMs)
    socket.on('upgrade', (response: IncomingMessage) => {
      trace(`< ${response.statusCode} ${response.statusMessage ?? ''}`)
      traceHeaders('<', response.headers)
    })
    socket.once('open', () => settle())
    socket.on('error', (error) => settle(failure(error)))
    socket.on('unexpected-response', (_request, response: IncomingMessage) => {
      trace(`< ${response.statusCode} ${response.statusMessage ?? ''} (no upgrade)`)
      traceHeaders('<', response.headers)
      const refused = proxyFailure(proxy, url)
      if (refused) {
        settle(refused)
        return
      }

      readBody(response).then((body) => {
        settle(describeHandshakeFailure({status: response.statusCode ?? 0, headers: response.headers, body}, options.kind, where))
      })
    })
  })
}

/** The start of the body of a refused upgrade; never rejects (an unreadable body is just empty). */
async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  return new Promise<string>((resolve) => {
    const timer = setTimeout(() => done(), ERROR_BODY_WAIT_MS)
    const done = (): void => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('utf8'))
    }

    response.on('data', (chunk: Buffer) => {
      if (size < MAX_ERROR_BODY_BYTES) chunks.push(chunk)
      size += chunk.length
      if (size >= MAX_ERROR_BODY_BYTES) {
        response.destroy()
        done()
      }
    })
    response.on('end', done)
    response.on('error', done)
    response.on('close', done)
  })
}
