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

export type DecodeResult = {ok: true; envelope: Envelope} | {ok: false; reason: string}

/**
 * One WebSocket frame → one envelope. Never throws: a frame it cannot decode comes back as a
 * reason, so the caller can count it and keep streaming (STYLE.md "Streams and output").
 * Fields may come in any order, unknown fields are skipped, and "required" ones may be missing.
 */
export function decodeEnvelope(frame: Uint8Array): DecodeResult {
  return decodeWith(readEnvelope, frame)
}

/**
 * Only the LogMessage of an envelope (all `cfws logs` prints): the header strings and tags of
 * every envelope are skipped instead of decoded. Same guarantees as decodeEnvelope.
 */
export function decodeLogMessage(frame: Uint8Array): DecodeResult {
  return decodeWith(readLogOnly, frame)
}

function decodeWith(read: (reader: Reader, end: number) => Envelope, frame: Uint8Array): DecodeResult {
  try {
    const reader = protobuf.Reader.create(frame)
    return {ok: true, envelope: read(reader, reader.len)}
  } catch (error) {
    return {ok: false, reason: error instanceof Error ? error.message : String(error)}
  }
}

// Each reader switches on the whole tag, `(field << 3) | wireType`: a known field with an unexpected
// wire type falls to the default and is skipped like an unknown one. Plain loops, no callbacks:
// a closure per message was a measurable share of the firehose's garbage.

/** Skips a field this reader does not know (protobufjs bounds the nesting of groups). */
function skipField(reader: Reader, tag: number): void {
  if (tag >>> 3 === 0) throw new Error(`illegal field number 0 at offset ${reader.pos}`)
  reader.skipType(tag & 7)
}

/** A message must end exactly at its length: a field that ran past it means a corrupt frame. */
function checkEnd(reader: Reader, end: number): void {
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
  while (reader.pos < end) {
    const tag = reader.uint32()
    switch (tag) {
      case 0x0a: { envelope.origin = reader.string(); break }
      case 0x10: { envelope.eventType = reader.int32(); break }
      case 0x30: { envelope.timestamp = int64(reader); break }
      case 0x3a: { envelope.httpStartStop = readHttpStartStop(reader, nestedEnd(reader)); break }
      case 0x42: { envelope.logMessage = readLogMessage(reader, nestedEnd(reader)); break }
      case 0x4a: { envelope.valueMetric = readValueMetric(reader, nestedEnd(reader)); break }
      case 0x52: { envelope.counterEvent = readCounterEvent(reader, nestedEnd(reader)); break }
      case 0x5a: { envelope.error = readError(reader, nestedEnd(reader)); break }
      case 0x62: { envelope.containerMetric = readContainerMetric(reader, nestedEnd(reader)); break }
      case 0x6a: { envelope.deployment = reader.string(); break }
      case 0x72: { envelope.job = reader.string(); break }
      case 0x7a: { envelope.index = reader.string(); break }
      case 0x82: { envelope.ip = reader.string(); break }
      case 0x8a: { readTag(reader, nestedEnd(reader), (envelope.tags ??= new Map())); break }
      default: { skipField(reader, tag) }
    }
  }

  checkEnd(reader, end)
  return envelope
}

function readLogOnly(reader: Reader, end: number): Envelope {
  const envelope: Envelope = {}
  while (reader.pos < end) {
    const tag = reader.uint32()
    if (tag === 0x42) envelope.logMessage = readLogMessage(reader, nestedEnd(reader))
    else skipField(reader, tag)
  }

  checkEnd(reader, end)
  return envelope
}

function readTag(reader: Reader, end: number, tags: Map<string, string>): void {
  let key = ''
  let value = ''
  while (reader.pos < end) {
    const tag = reader.uint32()
    if (tag === 0x0a) key = reader.string()
    else if (tag === 0x12) value = reader.string()
    else skipField(reader, tag)
  }

  checkEnd(reader, end)
  tags.set(key, value)
}

function readLogMessage(reader: Reader, end: number): LogMessage {
  const log: LogMessage = {}
  while (reader.pos < end) {
    const tag = reader.uint32()
    switch (tag) {
      case 0x0a: { log.message = reader.bytes(); break }
      case 0x10: { log.messageType = reader.int32(); break }
      case 0x18: { log.timestamp = int64(reader); break }
      case 0x22: { log.appId = reader.string(); break }
      case 0x2a: { log.sourceType = reader.string(); break }
      case 0x32: { log.sourceInstance = reader.string(); break }
      default: { skipField(reader, tag) }
    }
  }

  checkEnd(reader, end)
  return log
}

function readValueMetric(reader: Reader, end: number): ValueMetric {
  const metric: ValueMetric = {}
  while (reader.pos < end) {
    const tag = reader.uint32()
    switch (tag) {
      case 0x0a: { metric.name = reader.string(); break }
      case 0x11: { metric.value = reader.double(); break }
      case 0x1a: { metric.unit = reader.string(); break }
      default: { skipField(reader, tag) }
    }
  }

  checkEnd(reader, end)
  return metric
}

function readCounterEvent(reader: Reader, end: number): CounterEvent {
  const counter: CounterEvent = {}
  while (reader.pos < end) {
    const tag = reader.uint32()
    switch (tag) {
      case 0x0a: { counter.name = reader.string(); break }
      case 0x10: { counter.delta = uint64(reader); break }
      case 0x18: { counter.total = uint64(reader); break }
      default: { skipField(reader, tag) }
    }
  }

  checkEnd(reader, end)
  return counter
}

function readContainerMetric(reader: Reader, end: number): ContainerMetric {
  const metric: ContainerMetric = {}
  while (reader.pos < end) {
    const tag = reader.uint32()
    switch (tag) {
      case 0x0a: { metric.applicationId = reader.string(); break }
      case 0x10: { metric.instanceIndex = reader.int32(); break }
      case 0x19: { metric.cpuPercentage = reader.double(); break }
      case 0x20: { metric.memoryBytes = uint64(reader); break }
      case 0x28: { metric.diskBytes = uint64(reader); break }
      case 0x30: { metric.memoryBytesQuota = uint64(reader); break }
      case 0x38: { metric.diskBytesQuota = uint64(reader); break }
      default: { skipField(reader, tag) }
    }
  }

  checkEnd(reader, end)
  return metric
}

function readHttpStartStop(reader: Reader, end: number): HttpStartStop {
  const http: HttpStartStop = {}
  while (reader.pos < end) {
    const tag = reader.uint32()
    switch (tag) {
      case 0x08: { http.startTimestamp = int64(reader); break }
      case 0x10: { http.stopTimestamp = int64(reader); break }
      case 0x1a: { http.requestId = readUuid(reader, nestedEnd(reader)); break }
      case 0x20: { http.peerType = reader.int32(); break }
      case 0x28: { http.method = reader.int32(); break }
      case 0x32: { http.uri = reader.string(); break }
      case 0x3a: { http.remoteAddress = reader.string(); break }
      case 0x42: { http.userAgent = reader.string(); break }
      case 0x48: { http.statusCode = reader.int32(); break }
      case 0x50: { http.contentLength = int64(reader); break }
      case 0x62: { http.applicationId = readUuid(reader, nestedEnd(reader)); break }
      case 0x68: { http.instanceIndex = reader.int32(); break }
      case 0x72: { http.instanceId = reader.string(); break }
      case 0x7a: { (http.forwarded ??= []).push(reader.string()); break }
      default: { skipField(reader, tag) }
    }
  }

  checkEnd(reader, end)
  return http
}

function readUuid(reader: Reader, end: number): Uuid {
  const uuid: Uuid = {}
  while (reader.pos < end) {
    const tag = reader.uint32()
    if (tag === 0x08) uuid.low = uint64(reader)
    else if (tag === 0x10) uuid.high = uint64(reader)
    else skipField(reader, tag)
  }

  checkEnd(reader, end)
  return uuid
}

function readError(reader: Reader, end: number): ErrorEvent {
  const error: ErrorEvent = {}
  while (reader.pos < end) {
    const tag = reader.uint32()
    switch (tag) {
      case 0x0a: { error.source = reader.string(); break }
      case 0x10: { error.code = reader.int32(); break }
      case 0x1a: { error.message = reader.string(); break }
      default: { skipField(reader, tag) }
    }
  }

  checkEnd(reader, end)
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
