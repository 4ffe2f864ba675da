import {strict as assert} from 'node:assert'
import {X509Certificate} from 'node:crypto'

import {generate} from 'selfsigned'

import {signedWithWeakDigest} from '../../../src/net/signature-digest.js'

async function certificateDer(options: {algorithm: string; keyType?: 'rsa' | 'ec'}): Promise<Buffer> {
  const {cert} = await generate([{name: 'commonName', value: 'uaa.sys.test'}], {keySize: 2048, ...options})
  return new X509Certificate(cert).raw
}

describe('signedWithWeakDigest', () => {
  it('tells a certificate signed with SHA-1 (RSA or ECDSA) from one signed with SHA-256 or SHA-512', async () => {
    assert.equal(signedWithWeakDigest(await certificateDer({algorithm: 'sha1'})), true)
    assert.equal(signedWithWeakDigest(await certificateDer({algorithm: 'sha1', keyType: 'ec'})), true)
    assert.equal(signedWithWeakDigest(await certificateDer({algorithm: 'sha256'})), false)
    assert.equal(signedWithWeakDigest(await certificateDer({algorithm: 'sha512', keyType: 'ec'})), false)
  })

  it("knows OIW's older name of sha1WithRSA, in a certificate's outline (an empty to-be-signed part)", () => {
    const outline = (oid: number[]) =>
      Buffer.from([0x30, 6 + oid.length, 0x30, 0, 0x30, 2 + oid.length, 0x06, oid.length, ...oid])
    assert.equal(signedWithWeakDigest(outline([0x2b, 0x0e, 0x03, 0x02, 0x1d])), true)
    // sha256WithRSAEncryption
    assert.equal(signedWithWeakDigest(outline([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b])), false)
  })

  it("reads RSASSA-PSS's hash from its parameters, SHA-1 when they name none", () => {
    const oid = (bytes: number[]) => [0x06, bytes.length, ...bytes]
    const sequence = (...contents: number[]) => [0x30, contents.length, ...contents]
    const pss = oid([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a])
    const hash = (bytes: number[]) => {
      const identifier = sequence(...oid(bytes), 0x05, 0x00)
      return [0xa0, identifier.length, ...identifier]
    }

    const salt = [0xa2, 0x03, 0x02, 0x01, 0x20]
    const signedWith = (...algorithm: number[]) =>
      signedWithWeakDigest(Buffer.from(sequence(0x30, 0, ...sequence(...algorithm))))
    const sha256 = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]
    assert.equal(signedWith(...pss, ...sequence(...hash(sha256), ...salt)), false)
    assert.equal(signedWith(...pss, ...sequence(...hash([0x2b, 0x0e, 0x03, 0x02, 0x1a]), ...salt)), true)
    // Every parameter left at its default, or all but the salt's length: SHA-1.
    assert.equal(signedWith(...pss, ...sequence()), true)
    assert.equal(signedWith(...pss, ...sequence(...salt)), true)
    // No parameters at all is not a certificate OpenSSL reads: not said to be weak.
    assert.equal(signedWith(...pss), false)
  })

  it('reads what is not a whole certificate as not weak, never past its end', async () => {
    const der = await certificateDer({algorithm: 'sha1'})
    for (const length of [0, 1, 2, 4, 100, der.length - 300]) {
      assert.equal(signedWithWeakDigest(der.subarray(0, length)), false, `the first ${length} bytes`)
    }
    // The signatureAlgorithm whole, the signature cut: the certificate's own length runs past the end.
    assert.equal(signedWithWeakDigest(der.subarray(0, der.length - 10)), false)
    // A length of more bytes than any certificate needs, and a first element that is not a SEQUENCE.
    assert.equal(signedWithWeakDigest(Buffer.from([0x30, 0x85, 1, 0, 0, 0, 0])), false)
    assert.equal(signedWithWeakDigest(Buffer.from([0x31, ...der.subarray(1)])), false)
  })
})
