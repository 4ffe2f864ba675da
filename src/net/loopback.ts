import {isIP} from 'node:net'

/** True for 127.0.0.0/8, ::1 and localhost: the only places a token may travel in clear. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1' || host === '0:0:0:0:0:0:0:1' || host.startsWith('::ffff:127.')
}

/** Whether sending a credential to this URL would put it on the wire unencrypted. */
export function isCleartextToRemote(url: URL): boolean {
  return (url.protocol === 'http:' || url.protocol === 'ws:') && !isLoopbackHost(url.hostname)
}
