import type {ByteSink} from './byte-sink.js'
import {Literal} from './literal.js'

const NS_PER_SECOND = 1_000_000_000n

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0')
}

/** The whole second at or before `nanoseconds` since the epoch (floored, also before 1970). */
function secondOf(nanoseconds: bigint): number {
  const seconds = nanoseconds / NS_PER_SECOND
  return Number(nanoseconds % NS_PER_SECOND < 0n ? seconds - 1n : seconds)
}

/**
 * A time's bytes, formatted once per second (lines come in bursts within the same second): a line
 * within it sets the digits below the second in place, and is written in one copy of words.
 */
class SecondStamp {
  readonly literal: Literal
  private readonly bytes: Buffer

  /** `text` holds `width` digits at `at`, set later by `setDigits`. */
  constructor(
    text: string,
    private readonly at: number,
    private readonly width: number,
  ) {
    this.literal = new Literal(text)
    // The words' own memory, in the byte order `Literal` wrote them in.
    this.bytes = Buffer.from(this.literal.words.buffer)
  }

  setDigits(value: number): void {
    const {bytes} = this
    for (let i = this.at + this.width - 1; i >= this.at; i--) {
      const next = Math.floor(value / 10)
      bytes[i] = 0x30 + value - next * 10
      value = next
    }
  }
}

const NO_STAMP = new SecondStamp('', 0, 0)

/** `--timestamps`: how a text line starts (README "Timestamps"). */
export const TIMESTAMP_STYLES = ['default', 'utc', 'short', 'none'] as const
export type TimestampStyle = (typeof TIMESTAMP_STYLES)[number]

/**
 * A text line's time, hundredths truncated: `default` is the cf CLI's, in the local zone (TZ) with
 * `±HHMM` (`2026-11-24T09:46:47.12+0000`, PROTOCOL.md §8); `utc` the same in UTC with `Z`; `short`
 * the local time of day (`09:46:47.12`), which leaves an 80-column terminal room for the message.
 * `moveTo` a message's time, then `write` it before each of its lines.
 */
export class LocalTimestamp {
  private startNs = 1n
  private endNs = 0n
  private stamp = NO_STAMP

  constructor(private readonly style: Exclude<TimestampStyle, 'none'> = 'default') {}

  moveTo(nanoseconds: bigint): void {
    if (nanoseconds < this.startNs || nanoseconds >= this.endNs) {
      const seconds = secondOf(nanoseconds)
      this.startNs = BigInt(seconds) * NS_PER_SECOND
      this.endNs = this.startNs + NS_PER_SECOND
      const [second, zone] = this.format(new Date(seconds * 1000))
      this.stamp = new SecondStamp(`${second}00${zone}`, second.length, 2)
    }

    this.stamp.setDigits(Math.floor(Number(nanoseconds - this.startNs) / 10_000_000))
  }

  write(out: ByteSink): void {
    out.literal(this.stamp.literal)
  }

  /** The text up to the hundredths, and what follows them. */
  private format(date: Date): [string, string] {
    if (this.style === 'utc') return [`${date.toISOString().slice(0, 20)}`, 'Z']
    const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.`
    if (this.style === 'short') return [time, '']
    const offsetMinutes = -date.getTimezoneOffset()
    const absolute = Math.abs(offsetMinutes)
    return [
      `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${time}`,
      `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(absolute / 60))}${pad(absolute % 60)}`,
    ]
  }
}

/** RFC 3339 in UTC with nine fraction digits (`2026-11-24T09:46:47.123456789Z`). */
export class UtcTimestamp {
  private startNs = 1n
  private endNs = 0n
  private stamp = NO_STAMP

  write(out: ByteSink, nanoseconds: bigint): void {
    if (nanoseconds < this.startNs || nanoseconds >= this.endNs) {
      const seconds = secondOf(nanoseconds)
      this.startNs = BigInt(seconds) * NS_PER_SECOND
      this.endNs = this.startNs + NS_PER_SECOND
      this.stamp = new SecondStamp(`${new Date(seconds * 1000).toISOString().slice(0, 19)}.000000000Z`, 20, 9)
    }

    this.stamp.setDigits(Number(nanoseconds - this.startNs))
    out.literal(this.stamp.literal)
  }
}
