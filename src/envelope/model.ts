import type {LogMessage as StreamedLogMessage} from './types.js'

/**
 * Every dropsonde message as an object, what encodeEnvelope writes: the demo foundation's envelopes
 * and the tests' frames. cfws itself reads frames without such objects (scan.ts).
 */
/** The whole LogMessage; `cfws logs` reads all but app_id (a stream is one app's). */
export interface LogMessage extends StreamedLogMessage {
  appId?: string
}

export interface Uuid {
  low?: bigint
  high?: bigint
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
