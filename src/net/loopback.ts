import {isIP} from 'node:net'

// An IPv4 address mapped into IPv6 as URL writes it: `[::ffff:127.0.0.1]` becomes `[::ffff:7f00:1]`.
const MAPPED_IPV4 = /^::ffff:([\da-f]{1,4}):[\da-f]{1,4}$/

/**
 * True for 127.0.0.0/8, ::1 (an IPv4 loopback mapped into IPv6 too) and localhost: the only places
 * a token may travel in clear. Not `*.localhost`: such a name goes to whatever resolver the machine
 * has, which may answer with any address.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  const mapped = MAPPED_IPV4.exec(host)
  if (mapped) return Number.parseInt(mapped[1], 16) >> 8 === 127
  return host === '::1'
}

/** Whether sending a credential to this URL would put it on the wire unencrypted. */
export function isCleartextToRemote(url: URL): boolean {
  return (url.protocol === 'http:' || url.protocol === 'ws:') && !isLoopbackHost(url.hostname)
}
