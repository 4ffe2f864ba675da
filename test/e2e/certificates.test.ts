import {strict as assert} from 'node:assert'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {
  makeCaSignedCertificate,
  makeCertificate,
  makeNamedCertificate,
  type TestCertificate,
} from '../helpers/certificate.js'
import {useFakeFoundation} from '../helpers/fake-foundation.js'
import {FakeTrafficController} from '../helpers/fake-traffic-controller.js'
import {runCli} from '../helpers/run-cli.js'

const FAKE_DNS = fileURLToPath(new URL('../helpers/fake-dns.mjs', import.meta.url))

// The Traffic Controller's certificate is trusted (NODE_EXTRA_CA_CERTS), so what is left wrong
// with it is what no CA can fix: the hint must not send the operator to NODE_EXTRA_CA_CERTS.
describe('cfws logs against a trusted certificate it still cannot use (end to end)', function () {
  this.timeout(20_000)
  const f = useFakeFoundation()
  let scratch: string
  let tc: FakeTrafficController | undefined

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'cfws-certificates-'))
  })

  afterEach(async () => {
    await tc?.close()
    tc = undefined
    rmSync(scratch, {recursive: true, force: true})
  })

  /**
   * `cfws logs myapp` with the Traffic Controller at doppler.sys.test (127.0.0.1), serving
   * `certificate`, trusting its `ca` (else the certificate itself), with more Node options if given.
   */
  async function logsAgainst(
    certificate: TestCertificate & {ca?: string},
    nodeOptions = '',
  ): Promise<{code: number | null; stderr: string}> {
    tc = await FakeTrafficController.start({certificate})
    const port = new URL(tc.url).port
    f.cc.loggingEndpoint = `wss://doppler.sys.test:${port}`
    const ca = join(scratch, 'ca.pem')
    writeFileSync(ca, certificate.ca ?? certificate.cert)
    const result = await runCli(['logs', 'myapp'], {
      CF_HOME: f.home.dir,
      NODE_OPTIONS: `--import=${FAKE_DNS} ${nodeOptions}`.trim(),
      CFWS_TEST_DNS: JSON.stringify({'doppler.sys.test': '127.0.0.1'}),
      NODE_EXTRA_CA_CERTS: ca,
    })
    return {code: result.code, stderr: result.stderr.replaceAll(`:${port}`, ':PORT')}
  }

  it('names the host asked for and the names the certificate covers when they differ (exit 6)', async () => {
    const result = await logsAgainst(await makeCertificate())
    assert.equal(
      result.stderr,
      'cfws: The certificate of the Traffic Controller at doppler.sys.test:PORT covers 127.0.0.1, localhost, not doppler.sys.test\n' +
        'hint: NODE_EXTRA_CA_CERTS cannot fix a name mismatch: use a name the certificate covers (--endpoint wss://localhost:PORT), or --skip-ssl-validation on a network you trust.\n',
    )
    assert.equal(result.code, 6)
    assert.equal(tc!.upgrades.length, 0, 'no request went out over a certificate of another name')
  })

  it('says an expired certificate has expired and must be renewed (exit 6)', async () => {
    const result = await logsAgainst(await makeNamedCertificate(['doppler.sys.test'], {expired: true}))
    assert.equal(
      result.stderr,
      'cfws: The certificate of the Traffic Controller at doppler.sys.test:PORT has expired\n' +
        'hint: NODE_EXTRA_CA_CERTS cannot fix an expired certificate: the foundation must renew it (tell your platform team); --skip-ssl-validation gets past it meanwhile, on a network you trust.\n',
    )
    assert.equal(result.code, 6)
  })

  it('says a CA key too weak for OpenSSL\'s security level 2 (Node 24\'s) is too weak, not "UNSPECIFIED" (exit 6)', async () => {
    // Level 2 is Node 24's default; Node 20 and 22 run at level 1 and take the key unless told.
    const weakCa = await makeCaSignedCertificate(['doppler.sys.test'], 1024)
    const result = await logsAgainst(weakCa, '--tls-cipher-list=DEFAULT@SECLEVEL=2')
    assert.equal(
      result.stderr,
      'cfws: The certificate of the Traffic Controller at doppler.sys.test:PORT is signed by a CA whose key is too weak to trust (RSA under 2048 bits)\n' +
        'hint: NODE_EXTRA_CA_CERTS cannot fix a weak key: the foundation must reissue its CA with a stronger one (tell your platform team). Node 24 refuses what Node 20 and 22 took: NODE_OPTIONS=--tls-cipher-list=DEFAULT@SECLEVEL=1 takes it again meanwhile, as --skip-ssl-validation does on a network you trust.\n',
    )
    assert.equal(result.code, 6)
    assert.equal(tc!.upgrades.length, 0)
  })

  it('says a certificate signed with SHA-1 is signed with a digest too weak to trust (exit 6)', async () => {
    const result = await logsAgainst(await makeCaSignedCertificate(['doppler.sys.test'], 2048, 'sha1'))
    assert.equal(
      result.stderr,
      'cfws: The certificate of the Traffic Controller at doppler.sys.test:PORT is signed with a digest too weak to trust (SHA-1 or MD5)\n' +
        'hint: NODE_EXTRA_CA_CERTS cannot fix a weak signature: the foundation must reissue the certificate signed with SHA-256 (tell your platform team); --skip-ssl-validation gets past it meanwhile, on a network you trust.\n',
    )
    assert.equal(result.code, 6)
    assert.equal(tc!.upgrades.length, 0)
  })
})
