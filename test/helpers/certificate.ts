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
    extensions: [{name: 'subjectAltName', altNames: [{type: 7, ip: '127.0.0.1'}, {type: 2, value: 'localhost'}]}],
  }).then((pems) => ({key: pems.private, cert: pems.cert}))
  return cached
}
