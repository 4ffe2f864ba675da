import type {ByteSink} from './byte-sink.js'

const TEN_7 = 10_000_000

/** A 32-bit integer, signed or not as given, in decimal. */
export function writeDecimal(out: ByteSink, value: number): void {
  if (value < 0) {
    out.byte(0x2d)
    value = -value
  }

  digits(out, value)
}

/** The 64-bit value `high:low` (two 32-bit halves) in decimal, read as signed or unsigned. */
export function writeDecimal64(out: ByteSink, low: number, high: number, signed: boolean): void {
  if (signed && high < 0) {
    out.byte(0x2d)
    low = (~low + 1) | 0
    high = ~high + (low === 0 ? 1 : 0)
  }

  const lowBits = low >>> 0
  const highBits = high >>> 0
  if (highBits === 0) {
    digits(out, lowBits)
    return
  }

  // Three base-10^7 digits from 24-bit pieces: 2^24 = 1·10^7 + 6777216, 2^48 = 2·10^14 + 8147497·10^7 + 6710656.
  // Every step stays below 2^53, so doubles compute it exactly without BigInt.
  const piece0 = lowBits & 0xff_ffff
  const piece1 = ((lowBits >>> 24) | (highBits << 8)) & 0xff_ffff
  const piece2 = highBits >>> 16
  let digit0 = piece0 + piece1 * 6_777_216 + piece2 * 6_710_656
  let digit1 = piece1 + piece2 * 8_147_497
  let digit2 = piece2 * 2
  let carry = Math.floor(digit0 / TEN_7)
  digit0 -= carry * TEN_7
  digit1 += carry
  carry = Math.floor(digit1 / TEN_7)
  digit1 -= carry * TEN_7
  digit2 += carry
  if (digit2 > 0) {
    digits(out, digit2)
    paddedDigits(out, digit1, 7)
    paddedDigits(out, digit0, 7)
  } else if (digit1 > 0) {
    digits(out, digit1)
    paddedDigits(out, digit0, 7)
  } else {
    digits(out, digit0)
  }
}

/** A non-negative integer below 2^32. */
function digits(out: ByteSink, value: number): void {
  let count = 1
  for (let rest = value; rest >= 10; rest = (rest / 10) >>> 0) count++
  paddedDigits(out, value, count)
}

/** `count` digits of a value below 2^32, with leading zeros. */
function paddedDigits(out: ByteSink, value: number, count: number): void {
  out.reserve(count)
  const {buf} = out
  let at = out.pos + count
  out.pos = at
  for (let i = 0; i < count; i++) {
    const next = (value / 10) >>> 0
    buf[--at] = 0x30 + value - next * 10
    value = next
  }
}
