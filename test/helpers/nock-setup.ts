import {strict as assert} from 'node:assert'
import nock from 'nock'

/** nock for in-process tests: no real network but 127.0.0.1, where the fake servers listen. */
export function useNock(): void {
  beforeEach(() => {
    nock.disableNetConnect()
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/)
  })

  afterEach(function () {
    const pending = nock.pendingMocks()
    nock.cleanAll()
    nock.enableNetConnect()
    if (this.currentTest?.state === 'passed') assert.deepEqual(pending, [], 'every mocked request was made')
  })
}
