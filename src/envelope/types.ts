/**
 * Dropsonde v1 envelopes (cloudfoundry/dropsonde-protocol `events/*.proto`, PROTOCOL.md §6).
 * A field is present only when it was on the wire; 64-bit integers are bigint so they stay exact.
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

export interface Uuid {
  low?: bigint
  high?: bigint
}

export interface LogMessage {
  message?: Uint8Array
  messageType?: number
  timestamp?: bigint
  appId?: string
  sourceType?: string
  sourceInstance?: string
}

export interface ValueMetric {
  name?: string
  value?: number
  unit?: string
}

export interface CounterEvent {
  name?: string
  delta?: bigint
  total?: bigint
}

export interface ContainerMetric {
  applicationId?: string
  instanceIndex?: number
  cpuPercentage?: number
  memoryBytes?: bigint
  diskBytes?: bigint
  memoryBytesQuota?: bigint
  diskBytesQuota?: bigint
}

export interface HttpStartStop {
  startTimestamp?: bigint
  stopTimestamp?: bigint
  requestId?: Uuid
  peerType?: number
  method?: number
  uri?: string
  remoteAddress?: string
  userAgent?: string
  statusCode?: number
  contentLength?: bigint
  applicationId?: Uuid
  instanceIndex?: number
  instanceId?: string
  forwarded?: string[]
}

export interface ErrorEvent {
  source?: string
  code?: number
  message?: string
}

export interface Envelope {
  origin?: string
  eventType?: number
  timestamp?: bigint
  httpStartStop?: HttpStartStop
  logMessage?: LogMessage
  valueMetric?: ValueMetric
  counterEvent?: CounterEvent
  error?: ErrorEvent
  containerMetric?: ContainerMetric
  deployment?: string
  job?: string
  index?: string
  ip?: string
  tags?: Map<string, string>
}
