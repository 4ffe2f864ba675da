import {strict as assert} from 'node:assert'
import {setTimeout as sleep} from 'node:timers/promises'

import {readCfConfig} from '../../../src/cf/config.js'
import {keepTokenFresh} from '../../../src/cf/token-keeper.js'
import {TokenSource} from '../../../src/cf/tokens.js'
import {AuthError, EndpointError} from '../../../src/errors.js'
import {cfConfig, makeCfHome} from '../../helpers/cf-home.js'
import {makeJwt} from '../../helpers/jwt.js'
import {useNock} from '../../helpers/nock-setup.js'

const DAY_S = 86_400

describe('keepTokenFresh', () => {
  it('refreshes when due, backs off after passing failures, and stops on a rejected refresh token', async () => {
    const controller = new AbortController()
    const notices: string[] = []
    const outcomes: Array<Error | undefined> = [
      undefined,
      new EndpointError('DNS_FAILURE', 'Cannot resolve the host of UAA: uaa'),
      new AuthError('REFRESH_FAILED', 'UAA answered 503 to the token refresh'),
      new AuthError('SESSION_EXPIRED', 'expired'),
    ]
    let refreshes = 0
    const tokens = {
      msUntilRefresh: () => 5,
      async refresh() {
        const outcome = outcomes[refreshes++]
        if (outcome) throw outcome
        return 'bearer fresh'
      },
    }
    await assert.rejects(
      keepTokenFresh(tokens, {
        signal: controller.signal,
        retryDelayMs: 2,
        maxRetryDelayMs: 8,
        onNotice: (text) => notices.push(text),
      }),
      {code: 'SESSION_EXPIRED'},
    )
    assert.equal(refreshes, 4)
    assert.deepEqual(notices, [
      'could not refresh the token (Cannot resolve the host of UAA: uaa); trying again in 0.002s',
      'could not refresh the token (UAA answered 503 to the token refresh); trying again in 0.004s',
    ])
  })

  it('resolves quietly when the stream ends', async () => {
    const controller = new AbortController()
    const keeping = keepTokenFresh(
      {msUntilRefresh: () => 60_000, refresh: async () => 'x'},
      {signal: controller.signal, retryDelayMs: 1, maxRetryDelayMs: 1, onNotice() {}},
    )
    controller.abort()
    await keeping
  })

  it('resolves quietly when the stream ends during a refresh', async () => {
    const controller = new AbortController()
    const tokens = {
      msUntilRefresh: () => 0,
      async refresh(): Promise<string> {
        controller.abort()
        throw new EndpointError('ABORTED', 'Cancelled POST /oauth/token to UAA')
      },
    }
    const notices: string[] = []
    await keepTokenFresh(tokens, {
      signal: controller.signal,
      retryDelayMs: 1,
      maxRetryDelayMs: 1,
      onNotice: (text) => notices.push(text),
    })
    assert.deepEqual(notices, [])
  })

  it('refreshes a token that another refresh replaced with one due sooner than the first was', async () => {
    const controller = new AbortController()
    // An hour to go, then a 401's refresh (or a wall clock set forward) makes the token due now.
    const untilRefresh = [3_600_000]
    let refreshed!: () => void
    const refresh = new Promise<void>((resolve) => (refreshed = resolve))
    const keeping = keepTokenFresh(
      {
        msUntilRefresh: () => untilRefresh.shift() ?? 0,
        async refresh() {
          refreshed()
          controller.abort()
          return 'bearer fresh'
        },
      },
      {signal: controller.signal, retryDelayMs: 1, maxRetryDelayMs: 1, recheckMs: 5, onNotice() {}},
    )
    await refresh
    await keeping
  })

  describe('with a token valid for longer than a timer can wait (2^31−1 ms, about 24.8 days)', () => {
    // UAA is nock with no answer: any refresh fails, and the keeper would say so in a notice.
    useNock()
    for (const [label, validForS] of [
      ['30 days', 30 * DAY_S],
      ['10 years', 3650 * DAY_S],
    ] as const) {
      it(`asks UAA for nothing and warns of nothing with a token valid for ${label}`, async () => {
        const home = makeCfHome(
          cfConfig('https://api.example.com', {
            AuthorizationEndpoint: 'https://uaa.example.com',
            AccessToken: `bearer ${makeJwt({exp: Math.floor(Date.now() / 1000) + validForS})}`,
          }),
        )
        const warnings: Error[] = []
        const onWarning = (warning: Error): number => warnings.push(warning)
        process.on('warning', onWarning)
        try {
          const tokens = new TokenSource(await readCfConfig({CF_HOME: home.dir}), {verifyTls: true})
          const controller = new AbortController()
          const notices: string[] = []
          const keeping = keepTokenFresh(tokens, {
            signal: controller.signal,
            retryDelayMs: 1,
            maxRetryDelayMs: 1,
            onNotice: (text) => notices.push(text),
          })
          // An overflowed timer fires after 1 ms: this window holds dozens of them.
          await sleep(50)
          controller.abort()
          await keeping
          assert.deepEqual(notices, [])
          assert.deepEqual(
            warnings.map((warning) => warning.name),
            [],
          )
        } finally {
          process.off('warning', onWarning)
          home.remove()
        }
      })
    }
  })
})
