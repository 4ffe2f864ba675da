import {strict as assert} from 'node:assert'

import {parseDuration, parseSince, parseSize} from '../../../src/cli/units.js'

describe('units', () => {
  it('reads durations', () => {
    assert.deepEqual(['500ms', '45s', '10m', '2h'].map((text) => parseDuration(text, '--idle-timeout')), [500, 45_000, 600_000, 7_200_000])
    assert.throws(() => parseDuration('45', '--idle-timeout'), {code: 'INVALID_DURATION', exitCode: 2})
    assert.throws(() => parseDuration('0s', '--idle-timeout'), {code: 'INVALID_DURATION'})
  })

  it('reads sizes', () => {
    assert.deepEqual(['512KiB', '16MiB', '1GiB', '4096'].map((text) => parseSize(text, '--buffer-size')), [524_288, 16_777_216, 1_073_741_824, 4096])
    assert.throws(() => parseSize('16MB', '--buffer-size'), {code: 'INVALID_SIZE', exitCode: 2})
  })

  it('reads --since as a duration back from now or an RFC 3339 time, in nanoseconds', () => {
    const now = Date.parse('2026-11-24T10:00:00Z')
    assert.equal(parseSince('90s', now), BigInt(now - 90_000) * 1_000_000n)
    assert.equal(parseSince('2026-11-24T09:00:00.123456789+01:00', now), BigInt(Date.parse('2026-11-24T08:00:00Z')) * 1_000_000n + 123_456_789n)
    assert.throws(() => parseSince('yesterday', now), {code: 'INVALID_SINCE', exitCode: 2, hint: /90s, 10m, 2h.*RFC 3339/})
  })
})
