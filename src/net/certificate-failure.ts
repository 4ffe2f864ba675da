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
