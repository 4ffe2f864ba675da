import type {IncomingMessage} from 'node:http'
import WebSocket from 'ws'

import {displayEndpoint} from '../endpoint/resolve.js'
import {EndpointError, networkErrorCode} from '../errors.js'
import {describeNetworkFailure} from '../net/network-error.js'
import {proxyFailure, proxyRouteFor} from '../net/proxy.js'
import {speaksTls} from '../net/tls-probe.js'
import {USER_AGENT} from '../net/user-agent.js'
import {trace, traceHeaders} from '../trace.js'
import {whyClosed} from './close-reason.js'
import {
  describeHandshakeFailure,
  type HandshakeAnswer,
  plainRequestToTlsPort,
  type StreamKind,
} from './handshake-failure.js'
import {followReadGate, type ReadGate} from './read-gate.js'

export interface ConnectOptions {
  url: URL
  /** The whole Authorization header value (`bearer eyJ…`); absent for cfws doctor's probe without a token. */
  authorization?: string
  kind: StreamKind
  /** The stream was served before this connection: a refusal now is told as one to a reconnect. */
  reconnect?: boolean
  verifyTls: boolean
  handshakeTimeoutMs: number
  /**
   * Attached before the upgrade completes: frames that arrive in the same read as the 101 answer are
   * emitted right after 'open', before any caller awaiting this promise could listen.
   */
  onFrame: (frame: Buffer) => void
  /** Aborting terminates the handshake at once; the promise rejects with ABORTED. */
  signal: AbortSignal
  /** Followed from the moment the socket opens (a paused gate reads not even the first frame). */
  readGate?: ReadGate
  /** Called within 'open', before the first frame: the caller's last chance to prepare for it. */
  onOpen?: (socket: WebSocket) => void
  /** Told the server's answer to the upgrade, the 101 (without a body) or a refusal: what cfws doctor shows. */
  onAnswer?: (answer: HandshakeAnswer) => void
}

export interface OpenedStream {
  socket: WebSocket
  /** Resolves when the socket has closed, with why in an operator's words (see whyClosed). */
  closed: Promise<string>
}

/**
 * The largest message cfws takes: ws ends the connection itself (1009) on a bigger one instead of
 * buffering up to its default 100 MiB for a broken or hostile server. What Loggregator sends is far
 * smaller. Diego splits app output into log messages of at most 61,440 bytes (cloudfoundry/executor
 * depot/log_streamer/log_streamer.go, MAX_MESSAGE_SIZE); the v1 path carries a whole envelope in one
 * UDP datagram read into 65,535 bytes (loggregator-agent-release src/pkg/ingress/v1/network_reader.go),
 * which is why Gorouter truncates long access logs (cloudfoundry/gorouter#328); the tags and the
 * other fields of an envelope add a few hundred bytes to that (PROTOCOL.md §6). The only cap on
 * the way is gRPC's 10 MiB between agents, Doppler and the Traffic Controller (loggregator-release
 * src/router/app/router.go, src/trafficcontroller/app/traffic_controller.go), and it bounds a whole
 * batch of envelopes, not one. 1 MiB leaves sixteen times the largest envelope Cloud Foundry makes.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024

const MAX_ERROR_BODY_BYTES = 4096
// A refused upgrade's body only adds detail (a firehose 401's reason): never wait long for it.
const ERROR_BODY_WAIT_MS = 1000
// A connection cut before any answer: on a plain ws:// URL, possibly a TLS port (speaksTls).
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE'])

/**
 * Opens the authenticated WebSocket. Resolves with the open socket and the promise of its close;
 * rejects with a CfwsError that says why the upgrade failed (network, TLS, the server's non-101
 * answer, or ABORTED when `signal` aborts first).
 */
export async function openStream(options: ConnectOptions): Promise<OpenedStream> {
  const {url, signal} = options
  const where = displayEndpoint(url)
  const headers: Record<string, string> =
    options.authorization === undefined
      ? {'user-agent': USER_AGENT}
      : {'user-agent': USER_AGENT, authorization: options.authorization}
  trace(`> GET ${url.href} (WebSocket upgrade)`)
  traceHeaders('>', headers)

  const proxy = await proxyRouteFor(url)
  const aborted = (): EndpointError => new EndpointError('ABORTED', `Stopped while connecting to ${where}`)
  if (signal.aborted) throw aborted()
  return new Promise<OpenedStream>((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers,
      rejectUnauthorized: options.verifyTls,
      perMessageDeflate: false,
      agent: proxy?.agent,
      maxPayload: MAX_MESSAGE_BYTES,
    })
    const closed = whyClosed(socket)
    socket.on('message', options.onFrame)
    let settled = false
    const settle = (error?: Error): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      if (error) {
        socket.terminate()
        proxy?.close()
        reject(error)
      } else {
        // Still within 'open': a paused gate keeps even the frames that came with the upgrade unread.
        options.onOpen?.(socket)
        if (options.readGate) followReadGate(socket, options.readGate)
        resolve({socket, closed})
      }
    }

    const onAbort = (): void => settle(aborted())
    signal.addEventListener('abort', onAbort, {once: true})

    // Our own timer rather than ws's handshakeTimeout, whose error carries no code to branch on.
    const failure = (error: unknown): Error =>
      proxyFailure(proxy, url, error) ?? describeNetworkFailure(error, url, 'the Traffic Controller')
    const timer = setTimeout(() => settle(failure({code: 'HANDSHAKE_TIMEOUT'})), options.handshakeTimeoutMs)
    socket.on('upgrade', (response: IncomingMessage) => {
      trace(`< ${response.statusCode} ${response.statusMessage ?? ''}`)
      traceHeaders('<', response.headers)
      options.onAnswer?.({
        status: response.statusCode ?? 0,
        statusMessage: response.statusMessage,
        headers: response.headers,
        body: '',
      })
    })
    socket.once('open', () => settle())
    socket.on('error', (error) => {
      if (url.protocol === 'ws:' && !proxy && RESET_CODES.has(networkErrorCode(error) ?? '')) {
        // The probe has its own bound: the handshake's timer must not report this reset as a timeout.
        clearTimeout(timer)
        void speaksTls(url, signal).then((tls) =>
          settle(tls ? plainRequestToTlsPort(where, 'reset', error) : failure(error)),
        )
      } else {
        settle(failure(error))
      }
    })
    socket.on('unexpected-response', (_request, response: IncomingMessage) => {
      trace(`< ${response.statusCode} ${response.statusMessage ?? ''} (no upgrade)`)
      traceHeaders('<', response.headers)
      const refused = proxyFailure(proxy, url)
      if (refused) {
        settle(refused)
        return
      }

      void readBody(response).then((body) => {
        const answer = {
          status: response.statusCode ?? 0,
          statusMessage: response.statusMessage,
          headers: response.headers,
          body,
        }
        options.onAnswer?.(answer)
        settle(describeHandshakeFailure(answer, options.kind, where, options.reconnect))
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
