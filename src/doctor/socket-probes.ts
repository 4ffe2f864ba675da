import {lookup} from 'node:dns'
import {connect as connectTcp, isIP} from 'node:net'
import {request as httpsRequest} from 'node:https'
import {checkServerIdentity, connect as connectTls, type DetailedPeerCertificate, type TLSSocket} from 'node:tls'

import {EndpointError} from '../errors.js'
import {
  certificateNames,
  certificateSubjectName,
  type CertificateWeakness,
  describeExpiredCertificate,
  describeNameMismatch,
  describeWeakCertificate,
} from '../net/certificate-failure.js'
import {hostOf, portOf} from '../net/host-port.js'
import {describeNetworkFailure} from '../net/network-error.js'
import {proxyFailure, type ProxyRoute} from '../net/proxy.js'
import {signedWithWeakDigest} from '../net/signature-digest.js'

export const DNS_STEP_MS = 3000
export const TCP_STEP_MS = 3000
export const TLS_STEP_MS = 5000

const WHAT = 'the Traffic Controller'

/** Every address of the endpoint's host (an address literal is its own). */
export async function resolveHost(url: URL): Promise<string[]> {
  const host = hostOf(url)
  if (isIP(host)) return [host]
  // The callback form: it is what net.connect and the stream use, so the answer is theirs.
  return new Promise((resolve, reject) => {
    lookup(host, {all: true}, (error, addresses) => {
      if (error) reject(describeNetworkFailure(error, url, WHAT))
      else resolve(addresses.map((entry) => entry.address))
    })
  })
}

/** A TCP connection to one address of the endpoint, closed at once. */
export async function connectOnce(url: URL, address: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({host: address, port: portOf(url), signal})
    socket.once('connect', () => {
      socket.destroy()
      resolve()
    })
    socket.once('error', (error) => {
      socket.destroy()
      reject(describeNetworkFailure(error, url, WHAT))
    })
  })
}

export interface TlsFindings {
  protocol: string
  /** Leaf first: `CN=… (issuer CN=…)`. */
  chain: string[]
  validTo: Date
  /** The DNS names and addresses the leaf certificate covers. */
  names: string[]
  /** Undefined when the chain is trusted; else OpenSSL's code (SELF_SIGNED_CERT_IN_CHAIN…). */
  untrusted?: string
  /** What OpenSSL's security level refused in the chain (its code is UNSPECIFIED), if that is why it is untrusted. */
  weakness?: CertificateWeakness
  /** The host is not among the names. */
  nameMismatch: boolean
}

/** The TLS handshake, accepting any certificate so that what is wrong with it can be told. */
export async function inspectTls(url: URL, address: string, signal: AbortSignal): Promise<TlsFindings> {
  const host = hostOf(url)
  return new Promise((resolve, reject) => {
    const socket = connectTls({
      host: address,
      port: portOf(url),
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
    })
    signal.addEventListener('abort', () => socket.destroy(), {once: true})
    socket.once('secureConnect', () => {
      const findings = findingsOf(socket, host)
      socket.destroy()
      resolve(findings)
    })
    socket.once('error', (error) => {
      socket.destroy()
      reject(describeNetworkFailure(error, url, WHAT))
    })
  })
}

/**
 * The TLS handshake through the proxy's tunnel, as a stream makes it: a plain GET / over the agent
 * the stream would use (any answer will do: the handshake is done by then). A refused or silent
 * CONNECT rejects with the proxy's error.
 */
export async function inspectTlsThroughProxy(url: URL, route: ProxyRoute, signal: AbortSignal): Promise<TlsFindings> {
  const host = hostOf(url)
  return new Promise((resolve, reject) => {
    const request = httpsRequest({
      host,
      port: portOf(url),
      path: '/',
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      agent: route.agent,
      signal,
    })
    request.once('response', (response) => {
      // A refused CONNECT reaches the request as the proxy's own answer, on a socket without TLS.
      const refused = proxyFailure(route, url)
      const outcome = refused ?? findingsOf(response.socket as TLSSocket, host)
      request.destroy()
      route.close()
      if (outcome instanceof Error) reject(outcome)
      else resolve(outcome)
    })
    request.once('error', (error) => {
      route.close()
      reject(proxyFailure(route, url, error) ?? describeNetworkFailure(error, url, WHAT))
    })
    request.end()
  })
}

function findingsOf(socket: TLSSocket, host: string): TlsFindings {
  const leaf = socket.getPeerCertificate(true)
  const certificates = chainOf(leaf)
  const untrusted = socket.authorized
    ? undefined
    : String((socket.authorizationError as unknown as {code?: string})?.code ?? socket.authorizationError)
  return {
    protocol: socket.getProtocol() ?? 'TLS',
    chain: certificates.map(
      (cert) => `${certificateSubjectName(cert.subject)} (issuer ${certificateSubjectName(cert.issuer)})`,
    ),
    validTo: new Date(leaf.valid_to),
    names: certificateNames(leaf),
    untrusted,
    weakness: untrusted === 'UNSPECIFIED' ? (weakKeyOf(certificates) ?? weakDigestOf(certificates)) : undefined,
    nameMismatch: checkServerIdentity(host, leaf) !== undefined,
  }
}

function chainOf(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = []
  const seen = new Set<string>()
  for (
    let cert: DetailedPeerCertificate | undefined = leaf;
    cert && !seen.has(cert.fingerprint256) && chain.length < 5;
    cert = cert.issuerCertificate
  ) {
    seen.add(cert.fingerprint256)
    chain.push(cert)
  }

  return chain
}

// A socket keeps only OpenSSL's code, UNSPECIFIED for what its security level refuses, not the
// words certificateWeakness reads: the chain itself says which, an RSA key under 2048 bits (what
// Node 24's level 2 refuses) or a signature made with SHA-1 or MD5.
function weakKeyOf(chain: DetailedPeerCertificate[]): CertificateWeakness | undefined {
  const weak = chain.findIndex((cert) => cert.modulus !== undefined && (cert.bits ?? 0) < 2048)
  return weak === -1 ? undefined : weak === 0 ? 'key' : 'ca-key'
}

// OpenSSL leaves the signature of a self-signed root, the trust anchor, unchecked.
function weakDigestOf(chain: DetailedPeerCertificate[]): CertificateWeakness | undefined {
  const checked = chain.length > 1 && selfSigned(chain.at(-1)!) ? chain.slice(0, -1) : chain
  return checked.some((cert) => signedWithWeakDigest(cert.raw)) ? 'digest' : undefined
}

function selfSigned(cert: DetailedPeerCertificate): boolean {
  return cert.issuerCertificate === cert || cert.fingerprint256 === cert.issuerCertificate?.fingerprint256
}

/** What a TLS finding means for a stream, or undefined when the certificate is fine. */
export function certificateProblem(url: URL, findings: TlsFindings, now = Date.now()): EndpointError | undefined {
  const where = `${hostOf(url)}:${portOf(url)}`
  if (findings.validTo.getTime() < now) return describeExpiredCertificate(where, findings.validTo)
  if (findings.nameMismatch) return describeNameMismatch(where, url, findings.names)
  if (findings.weakness) return describeWeakCertificate(where, findings.weakness)

  if (findings.untrusted) {
    const issuer = findings.chain.at(-1)?.replace(/^.*\(issuer (.*)\)$/, '$1') ?? 'its issuer'
    return new EndpointError('TLS_CERTIFICATE', `The certificate of ${where} is not trusted (${findings.untrusted})`, {
      hint: `Add the CA that issued it (${issuer}) with NODE_EXTRA_CA_CERTS=/path/to/ca.pem; --skip-ssl-validation also gets past it, but trusts any server.`,
    })
  }

  return undefined
}

/** A step that ran out of time, told as any timeout of the Traffic Controller. */
export function trafficControllerTimeout(url: URL): EndpointError {
  return describeNetworkFailure({code: 'ETIMEDOUT'}, url, WHAT)
}
