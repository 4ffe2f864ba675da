import type {PeerCertificate} from 'node:tls'

import {EndpointError, messageOf, networkErrorCode} from '../errors.js'
import {
  certificateNames,
  certificateWeakness,
  describeExpiredCertificate,
  describeNameMismatch,
  describeNotYetValidCertificate,
  describeWeakCertificate,
} from './certificate-failure.js'
import {portOf} from './host-port.js'

// A chain cfws does not trust, which a CA added with NODE_EXTRA_CA_CERTS fixes. A name mismatch
// and dates, which no CA fixes, have words of their own (certificate-failure.ts).
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
])

/** Turns a socket-level failure into an operator's sentence: what failed, where, and what to try. */
export function describeNetworkFailure(error: unknown, url: URL, what: string): EndpointError {
  const code = networkErrorCode(error)
  const where = `${url.hostname}:${portOf(url)}`
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    // tls.checkServerIdentity puts the peer's certificate on its error.
    const cert = (error as {cert?: PeerCertificate} | undefined)?.cert
    return describeNameMismatch(`${what} at ${where}`, url, cert ? certificateNames(cert) : [], error)
  }

  if (code === 'CERT_HAS_EXPIRED') return describeExpiredCertificate(`${what} at ${where}`, undefined, error)
  if (code === 'CERT_NOT_YET_VALID') return describeNotYetValidCertificate(`${what} at ${where}`, error)
  const weakness = certificateWeakness(error)
  if (weakness) return describeWeakCertificate(`${what} at ${where}`, weakness, error)
  if (code && CERTIFICATE_ERRORS.has(code)) {
    return new EndpointError('TLS_CERTIFICATE', `The TLS certificate of ${what} at ${where} is not trusted (${code})`, {
      cause: error,
      hint: 'Add its CA with NODE_EXTRA_CA_CERTS=/path/to/ca.pem, or pass --skip-ssl-validation if you trust this network.',
    })
  }

  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN': {
      return new EndpointError('DNS_FAILURE', `Cannot resolve the host of ${what}: ${url.hostname}`, {
        cause: error,
        hint: 'Check the host name (cf api, --endpoint or CFWS_LOGGER_ENDPOINT) and your DNS.',
      })
    }

    case 'ECONNREFUSED': {
      return new EndpointError('CONNECTION_REFUSED', `Connection refused by ${what} at ${where}`, {
        cause: error,
        hint: 'Check the port, and that nothing between you and the foundation blocks it.',
      })
    }

    case 'ETIMEDOUT':
    case 'HANDSHAKE_TIMEOUT': {
      return new EndpointError('TIMEOUT', `${capitalize(what)} at ${where} did not answer in time`, {
        cause: error,
        hint: 'Check your network, proxy settings (HTTPS_PROXY, NO_PROXY) and the endpoint.',
      })
    }

    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER': {
      return new EndpointError('TLS_HANDSHAKE', `TLS handshake with ${what} at ${where} failed`, {
        cause: error,
        hint: 'The port may not speak TLS: check the scheme and port of the endpoint.',
      })
    }

    case 'ECONNRESET':
    case 'EPIPE': {
      // It took the connection: "cannot reach" would send the operator to the wrong end.
      return new EndpointError('NETWORK_FAILURE', `${capitalize(what)} at ${where} closed the connection (${code})`, {
        cause: error,
        hint: "Check that the scheme and port are the server's (a TLS port needs https:// or wss://), and HTTPS_PROXY and NO_PROXY; a load balancer or firewall on the way may cut the connection.",
      })
    }

    default: {
      return reachedButNotUnderstood(error, code, url, what, where)
    }
  }
}

/**
 * A server that answered what no HTTP client takes: llhttp's parse errors (HPE_…) for bytes that
 * are not HTTP, or, during a WebSocket upgrade, ws's refusal of a 101 it cannot accept (a wrong
 * Sec-WebSocket-Accept or Upgrade header), which it raises without a code. Else the plain fallback.
 */
function reachedButNotUnderstood(
  error: unknown,
  code: string | undefined,
  url: URL,
  what: string,
  where: string,
): EndpointError {
  const detail = messageOf(error)
  if (code?.startsWith('HPE_')) {
    return new EndpointError(
      'NOT_HTTP',
      `${capitalize(what)} at ${where} answered something that is not HTTP (${code})`,
      {
        cause: error,
        hint: 'Another service may listen on that port, or it speaks TLS: check the scheme (https://, wss://) and the port of the endpoint.',
      },
    )
  }

  if (code === undefined && (url.protocol === 'ws:' || url.protocol === 'wss:')) {
    return new EndpointError(
      'INVALID_UPGRADE',
      `${capitalize(what)} at ${where} answered the WebSocket upgrade with an invalid handshake: ${detail}`,
      {
        cause: error,
        hint: 'Something between cfws and the Traffic Controller (a proxy, a load balancer) may rewrite the upgrade, or another server answers: check the endpoint (cf curl /v2/info), HTTPS_PROXY and NO_PROXY.',
      },
    )
  }

  return new EndpointError('NETWORK_FAILURE', `Cannot reach ${what} at ${where}: ${code ?? detail}`, {cause: error})
}

/** The server sent more than the client takes (a runaway or misrouted answer): cut off, exit 6. */
export function describeOversizedAnswer(what: string, request: string, maxBytes: number): EndpointError {
  return new EndpointError(
    'RESPONSE_TOO_LARGE',
    `${capitalize(what)} sent more than ${formatBytes(maxBytes)} in answer to ${request}`,
    {
      hint: 'Something other than that server may be answering (a proxy, a load balancer): check the endpoint, HTTPS_PROXY and NO_PROXY.',
    },
  )
}

/**
 * The run ended (Ctrl-C, SIGTERM) while the request was under way. Callers check `signal.aborted`
 * before reporting anything, so this is seldom printed; exit 6 like any request that did not finish.
 */
export function describeCancelledRequest(what: string, request: string, reason: unknown): EndpointError {
  return new EndpointError('ABORTED', `Cancelled ${request} to ${what}`, {cause: reason})
}

function formatBytes(bytes: number): string {
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
