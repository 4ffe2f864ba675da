import {UsageError} from '../errors.js'

const DURATION_UNITS_MS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000}
const SIZE_UNITS: Record<string, number> = {'': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3}

/** `500ms`, `45s`, `10m`, `2h` → milliseconds (../shared/CLI.md "Staying connected"). */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim())
  const ms = match ? Number(match[1]) * DURATION_UNITS_MS[match[2]] : Number.NaN
  if (!(ms > 0)) {
    throw new UsageError('INVALID_DURATION', `Invalid ${flag} '${text}'`, {hint: 'Use a number and a unit: 500ms, 45s, 10m or 2h.'})
  }

  return ms
}

/** `512KiB`, `16MiB`, `1GiB` or plain bytes → bytes. */
export function parseSize(text: string, flag: string): number {
  const match = /^(\d+)\s*(b|kib|mib|gib)?$/i.exec(text.trim())
  const bytes = match ? Number(match[1]) * SIZE_UNITS[(match[2] ?? '').toLowerCase()] : Number.NaN
  if (!(bytes > 0)) {
    throw new UsageError('INVALID_SIZE', `Invalid ${flag} '${text}'`, {hint: 'Use bytes or a binary unit: 512KiB, 16MiB, 1GiB.'})
  }

  return bytes
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i

/** `--since`: a duration back from now (`90s`, `10m`, `2h`) or an RFC 3339 time → nanoseconds since the epoch. */
export function parseSince(text: string, nowMs = Date.now()): bigint {
  const time = RFC3339.exec(text.trim())
  if (time) {
    const ms = Date.parse(`${time[1]}${time[3].toUpperCase()}`)
    if (!Number.isNaN(ms)) return BigInt(ms) * 1_000_000n + BigInt((time[2] ?? '').padEnd(9, '0'))
  }

  try {
    return BigInt(nowMs - parseDuration(text, '--since')) * 1_000_000n
  } catch {
    throw new UsageError('INVALID_SINCE', `Invalid --since '${text}'`, {
      hint: 'Use a duration back from now (90s, 10m, 2h) or an RFC 3339 time (2026-11-24T09:00:00Z).',
    })
  }
}
