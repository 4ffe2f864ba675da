import {generate} from 'selfsigned'

export interface TestCertificate {
  key: string
  cert: string
}

let cached: Promise<TestCertificate> | undefined

/** A self-signed certificate for 127.0.0.1, made once per test run (never committed). */
export async function makeCertificate(): Promise<TestCertificate> {
  cached ??= generate([{name: 'commonName', value: '127.0.0.1'}], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          {type: 7, ip: '127.0.0.1'},
          {type: 2, value: 'localhost'},
        ],
      },
    ],
  }).then((pems) => ({key: pems.private, cert: pems.cert}))
  return cached
}

/**
 * A self-signed certificate for these DNS names, made at test time: trusted only through
 * NODE_EXTRA_CA_CERTS, and expired when asked.
 */
export async function makeNamedCertificate(
  names: string[],
  options: {expired?: boolean} = {},
): Promise<TestCertificate> {
  const day = 24 * 3600 * 1000
  const validity = options.expired
    ? {notBeforeDate: new Date(Date.now() - 30 * day), notAfterDate: new Date(Date.now() - day)}
    : {}
  const pems = await generate([{name: 'commonName', value: names[0]}], {
    keySize: 2048,
    algorithm: 'sha256',
    ...validity,
    extensions: [
      {name: 'basicConstraints', cA: true},
      {name: 'subjectAltName', altNames: names.map((value) => ({type: 2, value}))},
    ],
  })
  return {key: pems.private, cert: pems.cert}
}

/**
 * A certificate for these DNS names signed by a CA of its own whose RSA key has `caKeySize` bits,
 * with `digest`: `ca` is the certificate to trust. A CA of 1024 bits is what Node 24 refuses and
 * Node 20 and 22 take; a SHA-1 signature is what all of them refuse.
 */
export async function makeCaSignedCertificate(
  names: string[],
  caKeySize: number,
  digest: 'sha256' | 'sha1' = 'sha256',
): Promise<TestCertificate & {ca: string}> {
  const ca = await generate([{name: 'commonName', value: `test CA of ${caKeySize} bits`}], {
    keySize: caKeySize,
    algorithm: 'sha256',
    extensions: [
      {name: 'basicConstraints', cA: true},
      {name: 'keyUsage', keyCertSign: true, digitalSignature: true},
    ],
  })
  const leaf = await generate([{name: 'commonName', value: names[0]}], {
    keySize: 2048,
    algorithm: digest,
    extensions: [{name: 'subjectAltName', altNames: names.map((value) => ({type: 2, value}))}],
    ca: {key: ca.private, cert: ca.cert},
  })
  return {key: leaf.private, cert: leaf.cert, ca: ca.cert}
}
