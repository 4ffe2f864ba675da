const NS_PER_SECOND = 1_000_000_000n

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0')
}

/** Nanoseconds since the epoch as whole seconds and the nanoseconds past them (floored, also before 1970). */
function split(nanoseconds: bigint): {seconds: number; nanos: number} {
  let seconds = nanoseconds / NS_PER_SECOND
  let nanos = nanoseconds % NS_PER_SECOND
  if (nanos < 0n) {
    nanos += NS_PER_SECOND
    seconds -= 1n
  }

  return {seconds: Number(seconds), nanos: Number(nanos)}
}

// Lines come in bursts within the same second: the date, time and zone are formatted once per second,
// and a line within it needs a subtraction, not a bigint division.
let cachedStartNs = 1n
let cachedEndNs = 0n
let cachedPrefix = ''
let cachedZone = ''

/**
 * The cf CLI's log time: local zone (TZ), hundredths truncated, `±HHMM`
 * (`2026-11-24T09:46:47.12+0000`, PROTOCOL.md §8).
 */
export function formatLocalTimestamp(nanoseconds: bigint): string {
  if (nanoseconds < cachedStartNs || nanoseconds >= cachedEndNs) {
    const {seconds} = split(nanoseconds)
    const date = new Date(seconds * 1000)
    const offsetMinutes = -date.getTimezoneOffset()
    const absolute = Math.abs(offsetMinutes)
    cachedStartNs = BigInt(seconds) * NS_PER_SECOND
    cachedEndNs = cachedStartNs + NS_PER_SECOND
    cachedPrefix = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.`
    cachedZone = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(absolute / 60))}${pad(absolute % 60)}`
  }

  return cachedPrefix + pad(Math.floor(Number(nanoseconds - cachedStartNs) / 10_000_000)) + cachedZone
}

/** RFC 3339 in UTC with nine fraction digits (`2026-11-24T09:46:47.123456789Z`). */
export function formatUtcTimestamp(nanoseconds: bigint): string {
  const {seconds, nanos} = split(nanoseconds)
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${pad(nanos, 9)}Z`
}
