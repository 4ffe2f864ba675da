import {strict as assert} from 'node:assert'

import {ByteSink} from '../../../src/render/byte-sink.js'
import {writeDecimal, writeDecimal64} from '../../../src/render/decimal.js'

function decimal64(value: bigint, signed: boolean): string {
  const out = new ByteSink(8)
  const bits = BigInt.asUintN(64, value)
  writeDecimal64(out, Number(bits & 0xffff_ffffn) | 0, Number(bits >> 32n) | 0, signed)
  return out.buf.toString('latin1', 0, out.pos)
}

describe('decimal digits', () => {
  it('writes 32-bit integers, signed as given', () => {
    const out = new ByteSink(8)
    for (const value of [0, 7, 10, -1, 2_147_483_647, -2_147_483_648, 4_294_967_295]) {
      out.pos = 0
      writeDecimal(out, value)
      assert.equal(out.buf.toString('latin1', 0, out.pos), String(value))
    }
  })

  it('writes 64-bit values exactly, across every base-10^7 boundary and past 2^53', () => {
    const signed = [
      0n,
      1n,
      -1n,
      9_999_999n,
      10_000_000n,
      99_999_999_999_999n,
      100_000_000_000_000n,
      2n ** 32n,
      2n ** 53n + 1n,
      -(2n ** 53n) - 1n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      1_764_000_000_123_456_789n,
    ]
    for (const value of signed) assert.equal(decimal64(value, true), String(value), String(value))
    for (const value of [2n ** 64n - 1n, 2n ** 63n, 9_007_199_254_740_993n])
      assert.equal(decimal64(value, false), String(value), String(value))
    assert.equal(decimal64(-1n, false), '18446744073709551615', 'all ones, unsigned')
  })
})
