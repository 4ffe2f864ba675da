/**
 * Whether a certificate (DER, as a TLS socket's peer certificate `raw` holds it) is signed with
 * MD5 or SHA-1, which OpenSSL refuses from security level 1. A socket's verify error says only
 * UNSPECIFIED for it; the certificate's own signatureAlgorithm says which. Anything that is not a
 * well-formed certificate reads as not weak.
 */
export function signedWithWeakDigest(der: Uint8Array): boolean {
  // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE { OID, … }, … }
  const certificate = readElement(der, 0, der.length, SEQUENCE)
  const signed = certificate && readElement(der, certificate.start, certificate.end, SEQUENCE)
  const algorithm = signed && readElement(der, signed.end, certificate.end, SEQUENCE)
  const oid = algorithm && readElement(der, algorithm.start, algorithm.end, OBJECT_IDENTIFIER)
  if (algorithm === undefined || oid === undefined) return false
  const name = hex(der, oid)
  return name === RSASSA_PSS ? pssHashIsWeak(der, oid.end, algorithm.end) : WEAK_SIGNATURES.has(name)
}

/**
 * RSASSA-PSS names its hash in its parameters (RFC 4055): SEQUENCE { hashAlgorithm [0] EXPLICIT
 * AlgorithmIdentifier DEFAULT sha1, … }, so parameters without the [0] mean SHA-1.
 */
function pssHashIsWeak(der: Uint8Array, at: number, limit: number): boolean {
  const parameters = readElement(der, at, limit, SEQUENCE)
  if (parameters === undefined) return false
  if (parameters.start === parameters.end || der[parameters.start] !== HASH_ALGORITHM_TAG) return true
  const tagged = readElement(der, parameters.start, parameters.end, HASH_ALGORITHM_TAG)
  const identifier = tagged && readElement(der, tagged.start, tagged.end, SEQUENCE)
  const hash = identifier && readElement(der, identifier.start, identifier.end, OBJECT_IDENTIFIER)
  return hash !== undefined && WEAK_HASHES.has(hex(der, hash))
}

function hex(der: Uint8Array, element: {start: number; end: number}): string {
  return Buffer.from(der.subarray(element.start, element.end)).toString('hex')
}

const SEQUENCE = 0x30
const OBJECT_IDENTIFIER = 0x06
const HASH_ALGORITHM_TAG = 0xa0

// The OIDs' DER contents: md2, md4, md5 and sha1WithRSAEncryption (1.2.840.113549.1.1.2–5),
// ecdsa-with-SHA1 (1.2.840.10045.4.1), dsa-with-sha1 (1.2.840.10040.4.3), and OIW's older names
// for them (1.3.14.3.2.3 md5WithRSA, .27 dsaWithSHA1, .29 sha1WithRSASignature).
const WEAK_SIGNATURES = new Set([
  '2a864886f70d010102',
  '2a864886f70d010103',
  '2a864886f70d010104',
  '2a864886f70d010105',
  '2a8648ce3d0401',
  '2a8648ce380403',
  '2b0e030203',
  '2b0e03021b',
  '2b0e03021d',
])

// RSASSA-PSS (1.2.840.113549.1.1.10), and the hashes it may name that are weak: sha1
// (1.3.14.3.2.26) and md5 (1.2.840.113549.2.5).
const RSASSA_PSS = '2a864886f70d01010a'
const WEAK_HASHES = new Set(['2b0e03021a', '2a864886f70d0205'])

/** The contents of the element of `tag` that starts at `at`, if it is one and ends by `limit`. */
function readElement(
  der: Uint8Array,
  at: number,
  limit: number,
  tag: number,
): {start: number; end: number} | undefined {
  if (at + 2 > limit || der[at] !== tag) return undefined
  let length = der[at + 1]
  let start = at + 2
  if (length & 0x80) {
    // The long form: the low bits count the length's bytes; a certificate needs no more than four.
    const bytes = length & 0x7f
    if (bytes === 0 || bytes > 4 || start + bytes > limit) return undefined
    length = 0
    for (let index = 0; index < bytes; index++) length = length * 256 + der[start + index]
    start += bytes
  }

  const end = start + length
  return end <= limit ? {start, end} : undefined
}
