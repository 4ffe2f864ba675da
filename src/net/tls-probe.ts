import {isIP} from 'node:net'
import {connect as connectTls} from 'node:tls'

import {hostOf, portOf} from './host-port.js'

/** Long enough for a loopback or LAN handshake, short enough that a failure is told promptly. */
export const TLS_PROBE_MS = 2000

/**
 * Whether the port of a plain `ws://` URL completes a TLS handshake (any certificate). It tells a
 * TLS port from a server that reset the connection: Go's TLS listener answers a plain request with
 * a 400 and closes, and when the request is longer than what it read, that close is a reset that
 * may reach the client before the 400 does.
 */
export async function speaksTls(url: URL, signal: AbortSignal, timeoutMs = TLS_PROBE_MS): Promise<boolean> {
  if (signal.aborted) return false
  const host = hostOf(url)
  return new Promise((resolve) => {
    const socket = connectTls({
      host,
      port: portOf(url),
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
    })
    const done = (answer: boolean): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      socket.destroy()
      resolve(answer)
    }

    const onAbort = (): void => done(false)
    const timer = setTimeout(() => done(false), timeoutMs)
    signal.addEventListener('abort', onAbort, {once: true})
    socket.once('secureConnect', () => done(true))
    socket.once('error', () => done(false))
  })
}
