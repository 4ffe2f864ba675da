import {strict as assert} from 'node:assert'

import {
  describeExpiredCertificate,
  describeNameMismatch,
  describeWeakCertificate,
} from '../../../src/net/certificate-failure.js'
import {describeNetworkFailure} from '../../../src/net/network-error.js'

describe('certificate failures no CA can fix', () => {
  it('says when a certificate expired, when the caller read it (cfws doctor)', () => {
    const error = describeExpiredCertificate('doppler.sys.test:443', new Date('2026-01-02T03:04:05Z'))
    assert.deepEqual(
      [error.code, error.exitCode, error.message, error.hint],
      [
        'TLS_CERTIFICATE',
        6,
        'The certificate of doppler.sys.test:443 expired on 2026-01-02T03:04:05.000Z',
        'NODE_EXTRA_CA_CERTS cannot fix an expired certificate: the foundation must renew it (tell your platform team); --skip-ssl-validation gets past it meanwhile, on a network you trust.',
      ],
    )
  })

  it("points at this machine's clock for a certificate not valid yet, rather than at a CA", () => {
    const error = describeNetworkFailure(
      Object.assign(new Error('certificate is not yet valid'), {code: 'CERT_NOT_YET_VALID'}),
      new URL('wss://doppler.sys.test:4443'),
      'the Traffic Controller',
    )
    assert.deepEqual(
      [error.code, error.exitCode, error.message, error.hint],
      [
        'TLS_CERTIFICATE',
        6,
        'The certificate of the Traffic Controller at doppler.sys.test:4443 is not valid yet',
        "Check this machine's clock (date -u): a clock behind the certificate's start makes it look not yet valid. If the clock is right, the foundation's certificate was issued for a later date.",
      ],
    )
  })

  it('tells a chain OpenSSL finds too weak (Node reports it UNSPECIFIED) by what is weak, and no other UNSPECIFIED', () => {
    const failure = (message: string): string[] => {
      const error = describeNetworkFailure(
        Object.assign(new Error(message), {code: 'UNSPECIFIED'}),
        new URL('https://api.sys.test'),
        'the Cloud Controller',
      )
      return [error.code, error.message]
    }

    assert.deepEqual(failure('EE certificate key too weak'), [
      'TLS_CERTIFICATE',
      'The certificate of the Cloud Controller at api.sys.test:443 has a key too weak to trust (RSA under 2048 bits)',
    ])
    assert.deepEqual(failure('CA certificate key too weak'), [
      'TLS_CERTIFICATE',
      'The certificate of the Cloud Controller at api.sys.test:443 is signed by a CA whose key is too weak to trust (RSA under 2048 bits)',
    ])
    assert.deepEqual(failure('CA signature digest algorithm too weak'), [
      'TLS_CERTIFICATE',
      'The certificate of the Cloud Controller at api.sys.test:443 is signed with a digest too weak to trust (SHA-1 or MD5)',
    ])
    assert.deepEqual(failure('something else'), [
      'NETWORK_FAILURE',
      'Cannot reach the Cloud Controller at api.sys.test:443: UNSPECIFIED',
    ])
  })

  it('says how to get past a weak key meanwhile, and that the foundation must reissue it', () => {
    assert.equal(
      describeWeakCertificate('uaa.sys.test:443', 'key').hint,
      'NODE_EXTRA_CA_CERTS cannot fix a weak key: the foundation must reissue the certificate with a stronger one (tell your platform team). Node 24 refuses what Node 20 and 22 took: NODE_OPTIONS=--tls-cipher-list=DEFAULT@SECLEVEL=1 takes it again meanwhile, as --skip-ssl-validation does on a network you trust.',
    )
    assert.equal(
      describeWeakCertificate('uaa.sys.test:443', 'digest').hint,
      'NODE_EXTRA_CA_CERTS cannot fix a weak signature: the foundation must reissue the certificate signed with SHA-256 (tell your platform team); --skip-ssl-validation gets past it meanwhile, on a network you trust.',
    )
  })

  it('offers another --endpoint only for a stream, whose endpoint cfws may be given', () => {
    const names = ['*.apps.test', '10.0.0.5', 'ws.sys.test']
    assert.equal(
      describeNameMismatch('doppler.sys.test:4443', new URL('wss://doppler.sys.test:4443'), names).hint,
      'NODE_EXTRA_CA_CERTS cannot fix a name mismatch: use a name the certificate covers (--endpoint wss://ws.sys.test:4443), or --skip-ssl-validation on a network you trust.',
    )
    const cc = describeNameMismatch('the Cloud Controller at api.sys.test:443', new URL('https://api.sys.test'), names)
    assert.equal(
      cc.message,
      'The certificate of the Cloud Controller at api.sys.test:443 covers *.apps.test, 10.0.0.5, ws.sys.test, not api.sys.test',
    )
    assert.equal(
      cc.hint,
      'NODE_EXTRA_CA_CERTS cannot fix a name mismatch: use a name the certificate covers, or --skip-ssl-validation on a network you trust.',
    )
  })

  it('names the host asked for even when the names covered are unknown', () => {
    assert.equal(
      describeNameMismatch('UAA at uaa.sys.test:443', new URL('https://uaa.sys.test'), []).message,
      'The certificate of UAA at uaa.sys.test:443 does not cover uaa.sys.test',
    )
  })
})
