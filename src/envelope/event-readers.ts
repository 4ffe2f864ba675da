import type {ContainerMetric, CounterEvent, ErrorEvent, HttpStartStop, LogMessage, Uuid, ValueMetric} from './types.js'
import {checkEnd, int64, nestedEnd, type Reader, skipField, uint64} from './wire.js'

export function readLogMessage(reader: Reader, end: number): LogMessage {
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

export function readValueMetric(reader: Reader, end: number): ValueMetric {
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

export function readCounterEvent(reader: Reader, end: number): CounterEvent {
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

export function readContainerMetric(reader: Reader, end: number): ContainerMetric {
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

export function readHttpStartStop(reader: Reader, end: number): HttpStartStop {
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

export function readError(reader: Reader, end: number): ErrorEvent {
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
