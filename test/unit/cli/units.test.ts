import {strict as assert} from 'node:assert'

import {parseDuration, parseDurationOrZero, parseSince, parseSize, readSince} from '../../../src/cli/units.js'

describe('units', () => {
  it('reads durations', () => {
    assert.deepEqual(
      ['500ms', '45s', '10m', '2h'].map((text) => parseDuration(text, '--idle-timeout')),
      [500, 45_000, 600_000, 7_200_000],
    )
    assert.throws(() => parseDuration('45', '--idle-timeout'), {code: 'INVALID_DURATION', exitCode: 2})
    assert.throws(() => parseDuration('0s', '--idle-timeout'), {code: 'INVALID_DURATION'})
  })

  it('reads 0, with or without a unit, where it turns something off (--order-window 0)', () => {
    assert.deepEqual(
      ['0', '0s', '0ms', '0.0s', '300ms'].map((text) => parseDurationOrZero(text, '--order-window')),
      [0, 0, 0, 0, 300],
    )
    assert.throws(() => parseDurationOrZero('-1s', '--order-window'), {code: 'INVALID_DURATION'})
  })

  it('refuses a duration past its bound and a size past 2^53 - 1', () => {
    assert.equal(parseDuration('596h', '--idle-timeout', 2 ** 31 - 1), 2_145_600_000)
    assert.throws(() => parseDuration('597h', '--idle-timeout', 2 ** 31 - 1), {
      code: 'INVALID_DURATION',
      message: "Invalid --idle-timeout '597h': longer than 596h",
    })
    assert.throws(() => parseDuration('99999999999999999999h', '--idle-timeout'), {code: 'INVALID_DURATION'})
    assert.throws(() => parseSize('99999999999999999999GiB', '--buffer-size'), {
      code: 'INVALID_SIZE',
      message: "Invalid --buffer-size '99999999999999999999GiB': too large",
    })
    assert.throws(() => parseSize('99999999999999999999', '--buffer-size'), {code: 'INVALID_SIZE'})
  })

  it('reads sizes', () => {
    assert.deepEqual(
      ['512KiB', '16MiB', '1GiB', '4096'].map((text) => parseSize(text, '--buffer-size')),
      [524_288, 16_777_216, 1_073_741_824, 4096],
    )
    assert.throws(() => parseSize('16XB', '--buffer-size'), {code: 'INVALID_SIZE', exitCode: 2})
  })

  it('reads decimal (SI) sizes as well as binary (IEC) ones, in any case, with fractions down to whole bytes', () => {
    const sizes = ['500kB', '16MB', '16mb', '2GB', '1TB', '1TiB', '16mib', '1.5MiB', '1.5B', '100 b', '0.5KB']
    assert.deepEqual(
      sizes.map((text) => parseSize(text, '--buffer-size')),
      [500_000, 16_000_000, 16_000_000, 2_000_000_000, 1e12, 2 ** 40, 16_777_216, 1_572_864, 1, 100, 500],
    )
    for (const text of ['0', '0.4B', '16M', '16 MiB!', '-1MB', '1e6', 'MB'])
      assert.throws(() => parseSize(text, '--buffer-size'), {code: 'INVALID_SIZE'}, text)
  })

  it('reads durations as Go writes them, and days', () => {
    const durations = ['1h30m', '1d', '250ms', '1.5h', '2h45m30s', '1m0.5s', '1d12h', '0.5s']
    assert.deepEqual(
      durations.map((text) => parseDuration(text, '--idle-timeout')),
      [5_400_000, 86_400_000, 250, 5_400_000, 9_930_000, 60_500, 129_600_000, 500],
    )
    for (const text of ['1h 30m', '1.h', '.5s', 'h', '1w', '-1s', '0h0m', '1H', '1hm'])
      assert.throws(() => parseDuration(text, '--idle-timeout'), {code: 'INVALID_DURATION'}, text)
  })

  it('reads --since as a duration back from now or an RFC 3339 time, in nanoseconds', () => {
    const now = Date.parse('2026-11-24T10:00:00Z')
    assert.equal(parseSince('90s', now), BigInt(now - 90_000) * 1_000_000n)
    assert.equal(
      parseSince('2026-11-24T09:00:00.123456789+01:00', now),
      BigInt(Date.parse('2026-11-24T08:00:00Z')) * 1_000_000n + 123_456_789n,
    )
    assert.equal(parseSince('2026-11-24 09:00:00Z', now), BigInt(Date.parse('2026-11-24T09:00:00Z')) * 1_000_000n)
    assert.throws(() => parseSince('yesterday', now), {
      code: 'INVALID_SINCE',
      exitCode: 2,
      hint: /90s, 10m, 1h30m, 2d.*RFC 3339/,
    })
  })

  it('refuses a time that does not exist instead of rolling it over', () => {
    const now = Date.parse('2026-11-24T10:00:00Z')
    assert.equal(parseSince('2028-02-29T23:59:59Z', now), BigInt(Date.parse('2028-02-29T23:59:59Z')) * 1_000_000n)
    for (const text of [
      '2026-02-30T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-11-24T24:00:00Z',
      '2026-11-24T09:60:00Z',
      '2026-11-24T09:00:60Z',
      '2026-11-24T09:00:00+24:00',
    ]) {
      assert.throws(
        () => parseSince(text, now),
        {code: 'INVALID_SINCE', message: `Invalid --since '${text}': no such time`},
        text,
      )
    }
  })

  it('refuses a --since that reaches back before 1970', () => {
    const now = Date.parse('2026-11-24T10:00:00Z')
    assert.throws(() => parseSince('99999999999999999999h', now), {
      code: 'INVALID_SINCE',
      message: "Invalid --since '99999999999999999999h': reaches back before 1970",
    })
    assert.throws(() => parseSince('1969-12-31T23:59:59Z', now), {code: 'INVALID_SINCE'})
    assert.equal(parseSince('1970-01-01T01:00:00+01:00', now), 0n)
  })

  it('counts a --since duration back from each time it is asked, and keeps a time as it is (readSince)', () => {
    let now = Date.parse('2026-11-24T10:00:00Z')
    const tenMinutes = readSince('10m', () => now)
    const time = readSince('2026-11-24T09:00:00Z', () => now)
    assert.equal(tenMinutes(), BigInt(Date.parse('2026-11-24T09:50:00Z')) * 1_000_000n)
    now += 3_600_000
    assert.equal(tenMinutes(), BigInt(Date.parse('2026-11-24T10:50:00Z')) * 1_000_000n)
    assert.equal(time(), BigInt(Date.parse('2026-11-24T09:00:00Z')) * 1_000_000n)
    assert.throws(() => readSince('yesterday'), {code: 'INVALID_SINCE'})
  })
})
