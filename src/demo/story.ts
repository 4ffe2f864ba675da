import type {Envelope} from '../envelope/model.js'

/** One moment of a demo story: what an app or VM sends then. */
export interface DemoEvent {
  /** Milliseconds after the story's previous event. */
  afterMs: number
  /** The envelopes, given the moment in nanoseconds since the epoch (each may add its own offset). */
  envelopes(atNs: bigint): Envelope[]
}

/** A story never ends: the demo runs until the user stops it. */
export type Story = Iterator<DemoEvent, never, undefined>

/**
 * Milliseconds since the epoch (with a fraction) as nanoseconds: whole milliseconds exact (a
 * product in doubles is not past 2^53), the fraction to the nearest nanosecond a double keeps.
 */
export function msToNs(ms: number): bigint {
  const whole = Math.floor(ms)
  return BigInt(whole) * 1_000_000n + BigInt(Math.min(999_999, Math.round((ms - whole) * 1_000_000)))
}

/** RFC 3339 in UTC with nine fraction digits, as gorouter writes its access log. */
export function rfc3339Nanos(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString()
  return `${iso.slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`
}
