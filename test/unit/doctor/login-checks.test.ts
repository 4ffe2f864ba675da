import {strict as assert} from 'node:assert'

import {checkLogin} from '../../../src/doctor/login-checks.js'
import {DoctorReport} from '../../../src/doctor/report.js'
import {cfConfig, type CfHome, makeCfHome} from '../../helpers/cf-home.js'
import {useSilentHttpsProxy} from '../../helpers/connect-proxy.js'

describe('checkLogin', () => {
  describe('through a proxy that never answers the CONNECT', () => {
    const silent = useSilentHttpsProxy()
    let home: CfHome

    beforeEach(() => {
      home = makeCfHome(cfConfig('https://api.sys.test', {AuthorizationEndpoint: 'https://uaa.sys.test'}))
    })

    afterEach(() => home.remove())

    it('says the uaa check waited for the proxy, not for UAA', async () => {
      const report = new DoctorReport()
      await checkLogin(report, {
        skipSslValidation: false,
        firehose: false,
        signal: new AbortController().signal,
        env: {CF_HOME: home.dir},
        onNotice() {},
        async requireFirehoseScope() {},
        httpStepMs: 200,
      })
      const uaa = report.checks.find((check) => check.name === 'uaa')!
      assert.deepEqual(
        {...uaa, durationMs: 0},
        {
          name: 'uaa',
          status: 'warn',
          detail: `The proxy at ${new URL(silent.proxy.url).host} did not answer the CONNECT to uaa.sys.test:443 in time`,
          durationMs: 0,
          fix: 'The token works until it expires; refreshing it then needs UAA. Check HTTPS_PROXY (or unset it), and NO_PROXY for hosts that must not go through it.',
          code: 'TIMEOUT',
        },
      )
      assert.deepEqual(
        silent.proxy.tunnels.map((tunnel) => tunnel.target),
        ['uaa.sys.test:443'],
      )
    })
  })
})
