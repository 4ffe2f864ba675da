import protobuf from 'protobufjs/minimal.js'

import type {
  ContainerMetric,
  CounterEvent,
  Envelope,
  ErrorEvent,
  HttpStartStop,
  LogMessage,
  Uuid,
  ValueMetric,
} from './types.js'

type Reader = protobuf.Reader

const WIRE = {varint: 0, fixed64: 1, bytes: 2, fixed32: 5} as const

export type DecodeResult = {ok: true; envelope: Envelope} | {ok: false; reason: string}

/**
 * One WebSocket frame → one envelope. Never throws: a frame it cannot decode comes back as a
 * reason, so the caller can count it and keep streaming (STYLE.md "Streams and output").
 * Fields may come in any order, unknown fields are skipped, and "required" ones may be missing.
 */
export function decodeEnvelope(frame: Uint8Array): DecodeResult {
  try {
    const reader = protobuf.Reader.create(frame)
    return {ok: true, envelope: readEnvelope(reader, reader.len)}
  } catch (error) {
    return {ok: false, reason: error instanceof Error ? error.message : String(error)}
  }
}

/**
 * Reads the fields of one message up to `end`, handing each known one to `readField`, which
 * returns false for a field number or wire type it does not know (then the field is skipped).
 */
function readFields(reader: Reader, end: number, readField: (field: number, wireType: number) => boolean): void {
  while (reader.pos < end) {
    const tag = reader.uint32()
    const field = tag >>> 3
    const wireType = tag & 7
    if (field === 0) throw new Error(`illegal field number 0 at offset ${reader.pos}`)
    if (!readField(field, wireType)) reader.skipType(wireType)
  }

  if (reader.pos !== end) throw new Error(`a field ran past the end of its message at offset ${end}`)
}

/** The end offset of a length-delimited nested message, checked against the frame. */
function nestedEnd(reader: Reader): number {
  const length = reader.uint32()
  const end = reader.pos + length
  if (end > reader.len) throw new Error(`a length of ${length} at offset ${reader.pos} runs past the frame`)
  return end
}

function readEnvelope(reader: Reader, end: number): Envelope {
  const envelope: Envelope = {}
  readFields(reader, end, (field, wireType) => {
    if (wireType === WIRE.varint) {
      if (field === 2) envelope.eventType = reader.int32()
      else if (field === 6) envelope.timestamp = int64(reader)
      else return false
      return true
    }

    if (wireType !== WIRE.bytes) return false
    switch (field) {
      case 1: { envelope.origin = reader.string(); break }
      case 7: { envelope.httpStartStop = readHttpStartStop(reader, nestedEnd(reader)); break }
      case 8: { envelope.logMessage = readLogMessage(reader, nestedEnd(reader)); break }
      case 9: { envelope.valueMetric = readValueMetric(reader, nestedEnd(reader)); break }
      case 10: { envelope.counterEvent = readCounterEvent(reader, nestedEnd(reader)); break }
      case 11: { envelope.error = readError(reader, nestedEnd(reader)); break }
      case 12: { envelope.containerMetric = readContainerMetric(reader, nestedEnd(reader)); break }
      case 13: { envelope.deployment = reader.string(); break }
      case 14: { envelope.job = reader.string(); break }
      case 15: { envelope.index = reader.string(); break }
      case 16: { envelope.ip = reader.string(); break }
      case 17: { readTag(reader, nestedEnd(reader), (envelope.tags ??= new Map())); break }
      default: { return false }
    }

    return true
  })
  return envelope
}

function readTag(reader: Reader, end: number, tags: Map<string, string>): void {
  let key = ''
  let value = ''
  readFields(reader, end, (field, wireType) => {
    if (wireType !== WIRE.bytes || (field !== 1 && field !== 2)) return false
    if (field === 1) key = reader.string()
    else value = reader.string()
    return true
  })
  tags.set(key, value)
}

function readLogMessage(reader: Reader, end: number): LogMessage {
  const log: LogMessage = {}
  readFields(reader, end, (field, wireType) => {
    if (wireType === WIRE.varint) {
      if (field === 2) log.messageType = reader.int32()
      else if (field === 3) log.timestamp = int64(reader)
      else return false
      return true
    }

    if (wireType !== WIRE.bytes) return false
    switch (field) {
      case 1: { log.message = reader.bytes(); break }
      case 4: { log.appId = reader.string(); break }
      case 5: { log.sourceType = reader.string(); break }
      case 6: { log.sourceInstance = reader.string(); break }
      default: { return false }
    }

    return true
  })
  return log
}

function readValueMetric(reader: Reader, end: number): ValueMetric {
  const metric: ValueMetric = {}
  readFields(reader, end, (field, wireType) => {
    if (field === 2 && wireType === WIRE.fixed64) metric.value = reader.double()
    else if (field === 1 && wireType === WIRE.bytes) metric.name = reader.string()
    else if (field === 3 && wireType === WIRE.bytes) metric.unit = reader.string()
    else return false
    return true
  })
  return metric
}

function readCounterEvent(reader: Reader, end: number): CounterEvent {
  const counter: CounterEvent = {}
  readFields(reader, end, (field, wireType) => {
    if (field === 1 && wireType === WIRE.bytes) counter.name = reader.string()
    else if (field === 2 && wireType === WIRE.varint) counter.delta = uint64(reader)
    else if (field === 3 && wireType === WIRE.varint) counter.total = uint64(reader)
    else return false
    return true
  })
  return counter
}

function readContainerMetric(reader: Reader, end: number): ContainerMetric {
  const metric: ContainerMetric = {}
  readFields(reader, end, (field, wireType) => {
    if (field === 1 && wireType === WIRE.bytes) metric.applicationId = reader.string()
    else if (field === 3 && wireType === WIRE.fixed64) metric.cpuPercentage = reader.double()
    else if (wireType !== WIRE.varint) return false
    else if (field === 2) metric.instanceIndex = reader.int32()
    else if (field === 4) metric.memoryBytes = uint64(reader)
    else if (field === 5) metric.diskBytes = uint64(reader)
    else if (field === 6) metric.memoryBytesQuota = uint64(reader)
    else if (field === 7) metric.diskBytesQuota = uint64(reader)
    else return false
    return true
  })
  return metric
}

function readHttpStartStop(reader: Reader, end: number): HttpStartStop {
  const http: HttpStartStop = {}
  readFields(reader, end, (field, wireType) => {
    if (wireType === WIRE.varint) {
      switch (field) {
        case 1: { http.startTimestamp = int64(reader); break }
        case 2: { http.stopTimestamp = int64(reader); break }
        case 4: { http.peerType = reader.int32(); break }
        case 5: { http.method = reader.int32(); break }
        case 9: { http.statusCode = reader.int32(); break }
        case 10: { http.contentLength = int64(reader); break }
        case 13: { http.instanceIndex = reader.int32(); break }
        default: { return false }
      }

      return true
    }

    if (wireType !== WIRE.bytes) return false
    switch (field) {
      case 3: { http.requestId = readUuid(reader, nestedEnd(reader)); break }
      case 6: { http.uri = reader.string(); break }
      case 7: { http.remoteAddress = reader.string(); break }
      case 8: { http.userAgent = reader.string(); break }
      case 12: { http.applicationId = readUuid(reader, nestedEnd(reader)); break }
      case 14: { http.instanceId = reader.string(); break }
      case 15: { (http.forwarded ??= []).push(reader.string()); break }
      default: { return false }
    }

    return true
  })
  return http
}

function readUuid(reader: Reader, end: number): Uuid {
  const uuid: Uuid = {}
  readFields(reader, end, (field, wireType) => {
    if (wireType !== WIRE.varint || (field !== 1 && field !== 2)) return false
    if (field === 1) uuid.low = uint64(reader)
    else uuid.high = uint64(reader)
    return true
  })
  return uuid
}

function readError(reader: Reader, end: number): ErrorEvent {
  const error: ErrorEvent = {}
  readFields(reader, end, (field, wireType) => {
    if (field === 2 && wireType === WIRE.varint) error.code = reader.int32()
    else if (wireType !== WIRE.bytes) return false
    else if (field === 1) error.source = reader.string()
    else if (field === 3) error.message = reader.string()
    else return false
    return true
  })
  return error
}

/** protobufjs hands 64-bit varints over as Long; bigint keeps them exact without the Long API. */
function int64(reader: Reader): bigint {
  return BigInt.asIntN(64, uint64(reader))
}

function uint64(reader: Reader): bigint {
  const long = reader.uint64() as unknown as {low: number; high: number}
  return (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0)
}
