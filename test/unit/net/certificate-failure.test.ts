import {strict as assert} from 'node:assert'

import {describeExpiredCertificate, describeNameMismatch} from '../../../src/net/certificate-failure.js'
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
