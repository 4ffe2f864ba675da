import {isIP} from 'node:net'
import type {PeerCertificate} from 'node:tls'

import {EndpointError} from '../errors.js'
import {hostOf, portOf} from './host-port.js'

/**
 * The two certificate failures that trusting a CA cannot fix, in one wording for a stream, an HTTP
 * request and cfws doctor's TLS check. `subject` names the server as the caller shows it
 * (`the Traffic Controller at doppler.sys.example.com:443`, or doctor's `doppler.sys.example.com:443`).
 */
export function describeNameMismatch(subject: string, url: URL, names: string[], cause?: unknown): EndpointError {
  const host = hostOf(url)
  // Only a stream's endpoint is ours to change; the Cloud Controller's comes from cf api.
  const other = url.protocol === 'wss:' ? names.find((name) => !name.includes('*') && !isIP(name)) : undefined
  const covered = names.length > 0 ? `covers ${names.join(', ')}, not ${host}` : `does not cover ${host}`
  return new EndpointError('TLS_CERTIFICATE', `The certificate of ${subject} ${covered}`, {
    cause,
    hint: `NODE_EXTRA_CA_CERTS cannot fix a name mismatch: use a name the certificate covers${other ? ` (--endpoint wss://${other}:${portOf(url)})` : ''}, or --skip-ssl-validation on a network you trust.`,
  })
}

/** An expired certificate; Node's CERT_HAS_EXPIRED does not say when, doctor's inspection does. */
export function describeExpiredCertificate(subject: string, validTo?: Date, cause?: unknown): EndpointError {
  const when = validTo ? `expired on ${validTo.toISOString()}` : 'has expired'
  return new EndpointError('TLS_CERTIFICATE', `The certificate of ${subject} ${when}`, {
    cause,
    hint: 'NODE_EXTRA_CA_CERTS cannot fix an expired certificate: the foundation must renew it (tell your platform team); --skip-ssl-validation gets past it meanwhile, on a network you trust.',
  })
}

/** A certificate whose validity starts later than this machine's clock says: mostly that clock is wrong. */
export function describeNotYetValidCertificate(subject: string, cause?: unknown): EndpointError {
  return new EndpointError('TLS_CERTIFICATE', `The certificate of ${subject} is not valid yet`, {
    cause,
    hint: "Check this machine's clock (date -u): a clock behind the certificate's start makes it look not yet valid. If the clock is right, the foundation's certificate was issued for a later date.",
  })
}

/** What OpenSSL's security level refuses in a chain: the leaf's key, a CA's key, or a signature's digest. */
export type CertificateWeakness = 'key' | 'ca-key' | 'digest'

// Node names only the verify errors it lists; these three come as UNSPECIFIED with OpenSSL's words
// (crypto/x509/x509_txt.c), so the words are all there is to tell them by.
const WEAKNESS_BY_WORDS: Record<string, CertificateWeakness> = {
  'EE certificate key too weak': 'key',
  'CA certificate key too weak': 'ca-key',
  'CA signature digest algorithm too weak': 'digest',
}

/** The weakness a TLS verify error (a request's, or a socket's authorizationError) reports, if that is what it is. */
export function certificateWeakness(error: unknown): CertificateWeakness | undefined {
  const {code, message} = (error ?? {}) as {code?: unknown; message?: unknown}
  return code === 'UNSPECIFIED' && typeof message === 'string' ? WEAKNESS_BY_WORDS[message] : undefined
}

/**
 * A chain refused as too weak, which a CA cannot fix either. Node 24 raised OpenSSL's security
 * level from 1 to 2: an RSA key under 2048 bits (the leaf's or a CA's), which Node 20 and 22 take,
 * fails there; a SHA-1 signature fails from level 1, so on every Node cfws supports.
 */
export function describeWeakCertificate(
  subject: string,
  weakness: CertificateWeakness,
  cause?: unknown,
): EndpointError {
  if (weakness === 'digest') {
    return new EndpointError(
      'TLS_CERTIFICATE',
      `The certificate of ${subject} is signed with a digest too weak to trust (SHA-1 or MD5)`,
      {
        cause,
        hint: 'NODE_EXTRA_CA_CERTS cannot fix a weak signature: the foundation must reissue the certificate signed with SHA-256 (tell your platform team); --skip-ssl-validation gets past it meanwhile, on a network you trust.',
      },
    )
  }

  const whose = weakness === 'key' ? 'has a key' : 'is signed by a CA whose key is'
  return new EndpointError(
    'TLS_CERTIFICATE',
    `The certificate of ${subject} ${whose} too weak to trust (RSA under 2048 bits)`,
    {
      cause,
      hint: `NODE_EXTRA_CA_CERTS cannot fix a weak key: the foundation must reissue ${weakness === 'key' ? 'the certificate' : 'its CA'} with a stronger one (tell your platform team). Node 24 refuses what Node 20 and 22 took: NODE_OPTIONS=--tls-cipher-list=DEFAULT@SECLEVEL=1 takes it again meanwhile, as --skip-ssl-validation does on a network you trust.`,
    },
  )
}

/** The DNS names and addresses a certificate covers: its subjectAltName, else its subject's name. */
export function certificateNames(cert: PeerCertificate): string[] {
  const names = (cert.subjectaltname ?? '')
    .split(/,\s*/)
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean)
  return names.length > 0 ? names : [certificateSubjectName(cert.subject).replace(/^CN=/, '')]
}

/** `CN=…` (or `O=…`) of a certificate's subject or issuer. */
export function certificateSubjectName(name: PeerCertificate['subject'] | undefined): string {
  const cn = name?.CN
  return cn ? `CN=${Array.isArray(cn) ? cn.join(',') : cn}` : name?.O ? `O=${String(name.O)}` : '(no name)'
}
