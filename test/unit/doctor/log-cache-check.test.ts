import {strict as assert} from 'node:assert'

import {checkLogCache} from '../../../src/doctor/log-cache-check.js'
import {DoctorReport} from '../../../src/doctor/report.js'
import {useSilentHttpsProxy} from '../../helpers/connect-proxy.js'

describe('checkLogCache', () => {
  describe('through a proxy that never answers the CONNECT', () => {
    const silent = useSilentHttpsProxy()

    it('says the read waited for the proxy, not for Log Cache', async () => {
      const report = new DoctorReport()
      await checkLogCache(report, {
        baseUrl: 'https://log-cache.sys.test',
        appGuid: '6d4f2e4a-1c2b-4e5f-9a8b-7c6d5e4f3a2b',
        tokens: {validToken: async () => 'bearer t', refresh: async () => 'bearer t'},
        verifyTls: true,
        signal: new AbortController().signal,
        httpStepMs: 200,
      })
      assert.deepEqual(
        report.checks.map((check) => [check.name, check.status, check.detail]),
        [
          [
            'log cache',
            'warn',
            `The proxy at ${new URL(silent.proxy.url).host} did not answer the CONNECT to log-cache.sys.test:443 in time`,
          ],
        ],
      )
    })
  })
})
