import {UsageError} from '../errors.js'

const DURATION_UNITS_MS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}
// Decimal (SI) and binary (IEC) multiples, as docker and Kubernetes read them: 16MB is 16,000,000 bytes, 16MiB 16,777,216.
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
}

const DURATION_HINT = 'Use numbers with units, as Go writes durations: 250ms, 45s, 10m, 1h30m or 1d.'
const SIZE_HINT = 'Use bytes, a decimal or a binary unit: 4096, 500kB, 16MB, 16MiB, 1GiB.'
// Go's time.ParseDuration form (one or more number-unit pairs: 1h30m, 1.5h), with `d` for days as well.
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g

/** A duration where 0 turns something off (`--order-window 0`), with or without a unit. */
export function parseDurationOrZero(text: string, flag: string, maxMs = Number.MAX_SAFE_INTEGER): number {
  return /^0+(?:\.0*)?(?:ms|s|m|h|d)?$/.test(text.trim()) ? 0 : parseDuration(text, flag, maxMs)
}

/** `250ms`, `45s`, `10m`, `1h30m`, `1d` → milliseconds, at most `maxMs` (../shared/CLI.md "Staying connected"). */
export function parseDuration(text: string, flag: string, maxMs = Number.MAX_SAFE_INTEGER): number {
  const trimmed = text.trim()
  let ms = Number.NaN
  if (DURATION.test(trimmed)) {
    ms = 0
    for (const [, amount, unit] of trimmed.matchAll(DURATION_PART)) ms += Number(amount) * DURATION_UNITS_MS[unit]
  }

  if (!(ms > 0)) throw new UsageError('INVALID_DURATION', `Invalid ${flag} '${text}'`, {hint: DURATION_HINT})
  if (ms > maxMs) {
    throw new UsageError(
      'INVALID_DURATION',
      `Invalid ${flag} '${text}': longer than ${Math.floor(maxMs / DURATION_UNITS_MS.h)}h`,
      {hint: DURATION_HINT},
    )
  }

  return ms
}

/** `4096`, `500kB`, `16MB`, `16MiB`, `1.5GiB` (units in any case) → whole bytes, at most 2^53 - 1 (past it a count is no longer exact). */
export function parseSize(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/i.exec(text.trim())
  const bytes = match ? Math.floor(Number(match[1]) * SIZE_UNITS[(match[2] ?? '').toLowerCase()]) : Number.NaN
  if (!(bytes > 0)) throw new UsageError('INVALID_SIZE', `Invalid ${flag} '${text}'`, {hint: SIZE_HINT})
  if (!Number.isSafeInteger(bytes))
    throw new UsageError('INVALID_SIZE', `Invalid ${flag} '${text}': too large`, {hint: SIZE_HINT})
  return bytes
}

// RFC 3339 lets a space stand for the T (its section 5.6), as `date --rfc-3339` writes it.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i
const SINCE_HINT = 'Use a duration back from now (90s, 10m, 1h30m, 2d) or an RFC 3339 time (2026-11-24T09:00:00Z).'

/** `--since`: a duration back from now (`90s`, `10m`, `1h30m`, `2d`) or an RFC 3339 time → nanoseconds since the epoch. */
export function parseSince(text: string, nowMs = Date.now()): bigint {
  const time = RFC3339.exec(text.trim())
  if (time) return rfc3339Nanoseconds(text, time)
  let ms: number
  try {
    ms = parseDuration(text, '--since', Number.POSITIVE_INFINITY)
  } catch {
    throw new UsageError('INVALID_SINCE', `Invalid --since '${text}'`, {hint: SINCE_HINT})
  }

  if (ms > nowMs)
    throw new UsageError('INVALID_SINCE', `Invalid --since '${text}': reaches back before 1970`, {hint: SINCE_HINT})
  return BigInt(Math.round(nowMs - ms)) * 1_000_000n
}

/**
 * `--since` checked once (a usage error before anything connects), as the start of a read that
 * begins when it is called: a duration counts back from that moment (an app found later gets its
 * own last `10m`, as stern's `--since` for a pod that appears), a time stays that time.
 */
export function readSince(text: string, nowMs: () => number = Date.now): () => bigint {
  const first = parseSince(text, nowMs())
  return RFC3339.test(text.trim()) ? () => first : () => parseSince(text, nowMs())
}

/**
 * Date.parse rolls an impossible day over (February 30 becomes March 2): every field is checked
 * against the date it makes instead.
 */
function rfc3339Nanoseconds(text: string, time: RegExpExecArray): bigint {
  const [year, month, day, hour, minute, second] = time.slice(1, 7).map(Number)
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
  utc.setUTCFullYear(year)
  const fieldsHold =
    utc.getUTCFullYear() === year &&
    utc.getUTCMonth() === month - 1 &&
    utc.getUTCDate() === day &&
    utc.getUTCHours() === hour &&
    utc.getUTCMinutes() === minute &&
    utc.getUTCSeconds() === second
  const offsetHours = Number(time[10] ?? 0)
  const offsetMinutes = Number(time[11] ?? 0)
  if (!fieldsHold || offsetHours > 23 || offsetMinutes > 59) {
    throw new UsageError('INVALID_SINCE', `Invalid --since '${text}': no such time`, {hint: SINCE_HINT})
  }

  const offsetMs = (time[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
  const ms = utc.getTime() - offsetMs
  if (ms < 0) throw new UsageError('INVALID_SINCE', `Invalid --since '${text}': before 1970`, {hint: SINCE_HINT})
  return BigInt(ms) * 1_000_000n + BigInt((time[7] ?? '').padEnd(9, '0'))
}
