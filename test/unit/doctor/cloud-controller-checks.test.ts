import {strict as assert} from 'node:assert'

import {readCfConfig} from '../../../src/cf/config.js'
import {TokenSource} from '../../../src/cf/tokens.js'
import {checkFoundation} from '../../../src/doctor/cloud-controller-checks.js'
import {DoctorReport} from '../../../src/doctor/report.js'
import {cfConfig, type CfHome, makeCfHome} from '../../helpers/cf-home.js'
import {useSilentHttpsProxy} from '../../helpers/connect-proxy.js'

describe('checkFoundation', () => {
  describe('through a proxy that never answers the CONNECT', () => {
    const silent = useSilentHttpsProxy()
    let home: CfHome

    beforeEach(() => {
      home = makeCfHome(cfConfig('https://api.sys.test'))
    })

    afterEach(() => home.remove())

    it('says the Cloud Controller checks waited for the proxy, not for the Cloud Controller', async () => {
      const config = await readCfConfig({CF_HOME: home.dir})
      const report = new DoctorReport()
      const login = {config, tokens: new TokenSource(config, {verifyTls: true}), verifyTls: true, tokenUsable: true}
      await checkFoundation(report, login, {}, undefined, new AbortController().signal, 200)
      const silentProxy = `The proxy at ${new URL(silent.proxy.url).host} did not answer the CONNECT to api.sys.test:443 in time`
      assert.deepEqual(
        report.checks
          .filter((check) => check.name === 'cloud controller' || check.name === 'log cache endpoint')
          .map((check) => [check.status, check.detail, check.code]),
        [
          ['fail', silentProxy, 'TIMEOUT'],
          ['warn', `unknown: ${silentProxy}`, undefined],
        ],
      )
    })
  })
})
