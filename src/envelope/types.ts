/**
 * Dropsonde v1 envelopes (cloudfoundry/dropsonde-protocol `events/*.proto`, PROTOCOL.md §6): the
 * event types and the LogMessage as `cfws logs` uses them. A field is present only when it was on
 * the wire; 64-bit integers are bigint so they stay exact. The firehose never builds objects: it
 * renders from the frame's bytes (scan.ts).
 */
export const EVENT_TYPES = {
  HttpStartStop: 4,
  LogMessage: 5,
  ValueMetric: 6,
  CounterEvent: 7,
  Error: 8,
  ContainerMetric: 9,
} as const

export type EventTypeName = keyof typeof EVENT_TYPES

export const MESSAGE_TYPES = {OUT: 1, ERR: 2} as const

export interface LogMessage {
  message?: Uint8Array
  messageType?: number
  timestamp?: bigint
  /**
   * `timestamp` as a double (exact to 256 ns at today's times), where the decoder has it at hand:
   * what several apps' lines are ordered by, without converting a bigint for each.
   */
  timestampOrder?: number
  sourceType?: string
  sourceInstance?: string
}

/** What the stream decoder gives: an envelope's LogMessage, if it has one. */
export interface Envelope {
  logMessage?: LogMessage
}
