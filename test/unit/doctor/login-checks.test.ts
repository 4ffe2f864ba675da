import {strict as assert} from 'node:assert'

import {checkLogin} from '../../../src/doctor/login-checks.js'
import {DoctorReport} from '../../../src/doctor/report.js'
import {cfConfig, type CfHome, makeCfHome} from '../../helpers/cf-home.js'
import {useSilentHttpsProxy} from '../../helpers/connect-proxy.js'
import {expiredJwt, freshJwt} from '../../helpers/jwt.js'

describe('checkLogin', () => {
  describe('through a proxy that never answers the CONNECT', () => {
    const silent = useSilentHttpsProxy()
    let home: CfHome | undefined

    afterEach(() => home?.remove())

    async function checkLoginWith(accessToken: string): Promise<DoctorReport> {
      home = makeCfHome(
        cfConfig('https://api.sys.test', {AuthorizationEndpoint: 'https://uaa.sys.test', AccessToken: accessToken}),
      )
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
      return report
    }

    it('says the uaa check waited for the proxy, not for UAA', async () => {
      const report = await checkLoginWith(`bearer ${freshJwt()}`)
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

    it('says the refresh of an expired token waited for the proxy, not for UAA', async () => {
      const report = await checkLoginWith(`bearer ${expiredJwt()}`)
      const token = report.checks.find((check) => check.name === 'token')!
      assert.deepEqual(
        [token.status, token.cause, token.code],
        [
          'fail',
          `The proxy at ${new URL(silent.proxy.url).host} did not answer the CONNECT to uaa.sys.test:443 in time`,
          'TIMEOUT',
        ],
      )
    })
  })
})
