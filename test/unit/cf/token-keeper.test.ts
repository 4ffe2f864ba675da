import {strict as assert} from 'node:assert'

import {keepTokenFresh} from '../../../src/cf/token-keeper.js'
import {AuthError, EndpointError} from '../../../src/errors.js'

describe('keepTokenFresh', () => {
  it('refreshes when due, backs off after a passing failure, and stops on a rejected refresh token', async () => {
    const controller = new AbortController()
    const notices: string[] = []
    const outcomes: Array<Error | undefined> = [undefined, new EndpointError('DNS_FAILURE', 'Cannot resolve the host of UAA: uaa'), new AuthError('SESSION_EXPIRED', 'expired')]
    let refreshes = 0
    const tokens = {
      msUntilRefresh: () => 5,
      async refresh() {
        const outcome = outcomes[refreshes++]
        if (outcome) throw outcome
        return 'bearer fresh'
      },
    }
    await assert.rejects(keepTokenFresh(tokens, {signal: controller.signal, retryDelayMs: 2, maxRetryDelayMs: 8, onNotice: (text) => notices.push(text)}), {code: 'SESSION_EXPIRED'})
    assert.equal(refreshes, 3)
    assert.deepEqual(notices, ['could not refresh the token (Cannot resolve the host of UAA: uaa); trying again in 0.002s'])
  })

  it('resolves quietly when the stream ends', async () => {
    const controller = new AbortController()
    const keeping = keepTokenFresh({msUntilRefresh: () => 60_000, refresh: async () => 'x'}, {signal: controller.signal, retryDelayMs: 1, maxRetryDelayMs: 1, onNotice() {}})
    controller.abort()
    await keeping
  })
})
