import protobuf from 'protobufjs/minimal.js'

import type {Envelope, HttpStartStop, LogMessage, Uuid} from './model.js'

type Writer = protobuf.Writer

/**
 * Encodes an envelope with protobufjs's Writer, field by field from the dropsonde .proto numbers
 * (PROTOCOL.md §6): what the demo foundation sends, and the tests' frames, written independently of
 * the scanner that reads them.
 */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const w = protobuf.Writer.create()
  if (envelope.origin !== undefined) w.uint32((1 << 3) | 2).string(envelope.origin)
  if (envelope.eventType !== undefined) w.uint32(2 << 3).int32(envelope.eventType)
  if (envelope.timestamp !== undefined) w.uint32(6 << 3).int64(bits64(envelope.timestamp))
  nested(w, 7, envelope.httpStartStop && ((x) => writeHttp(x, envelope.httpStartStop!)))
  nested(w, 8, envelope.logMessage && ((x) => writeLog(x, envelope.logMessage!)))
  nested(
    w,
    9,
    envelope.valueMetric &&
      ((x) => {
        const m = envelope.valueMetric!
        if (m.name !== undefined) x.uint32((1 << 3) | 2).string(m.name)
        if (m.value !== undefined) x.uint32((2 << 3) | 1).double(m.value)
        if (m.unit !== undefined) x.uint32((3 << 3) | 2).string(m.unit)
      }),
  )
  nested(
    w,
    10,
    envelope.counterEvent &&
      ((x) => {
        const c = envelope.counterEvent!
        if (c.name !== undefined) x.uint32((1 << 3) | 2).string(c.name)
        if (c.delta !== undefined) x.uint32(2 << 3).uint64(bits64(c.delta))
        if (c.total !== undefined) x.uint32(3 << 3).uint64(bits64(c.total))
      }),
  )
  nested(
    w,
    11,
    envelope.error &&
      ((x) => {
        const e = envelope.error!
        if (e.source !== undefined) x.uint32((1 << 3) | 2).string(e.source)
        if (e.code !== undefined) x.uint32(2 << 3).int32(e.code)
        if (e.message !== undefined) x.uint32((3 << 3) | 2).string(e.message)
      }),
  )
  nested(
    w,
    12,
    envelope.containerMetric &&
      ((x) => {
        const c = envelope.containerMetric!
        if (c.applicationId !== undefined) x.uint32((1 << 3) | 2).string(c.applicationId)
        if (c.instanceIndex !== undefined) x.uint32(2 << 3).int32(c.instanceIndex)
        if (c.cpuPercentage !== undefined) x.uint32((3 << 3) | 1).double(c.cpuPercentage)
        const u64 = [c.memoryBytes, c.diskBytes, c.memoryBytesQuota, c.diskBytesQuota]
        for (const [i, value] of u64.entries()) if (value !== undefined) x.uint32((4 + i) << 3).uint64(bits64(value))
      }),
  )
  const strings: Array<[number, string | undefined]> = [
    [13, envelope.deployment],
    [14, envelope.job],
    [15, envelope.index],
    [16, envelope.ip],
  ]
  for (const [field, value] of strings) if (value !== undefined) w.uint32((field << 3) | 2).string(value)
  for (const [key, value] of envelope.tags ?? []) {
    nested(w, 17, (x) =>
      x
        .uint32((1 << 3) | 2)
        .string(key)
        .uint32((2 << 3) | 2)
        .string(value),
    )
  }

  return w.finish()
}

function nested(w: Writer, field: number, write: ((x: Writer) => void) | undefined): void {
  if (!write) return
  w.uint32((field << 3) | 2).fork()
  write(w)
  w.ldelim()
}

function writeLog(w: Writer, log: LogMessage): void {
  if (log.message !== undefined) w.uint32((1 << 3) | 2).bytes(log.message)
  if (log.messageType !== undefined) w.uint32(2 << 3).int32(log.messageType)
  if (log.timestamp !== undefined) w.uint32(3 << 3).int64(bits64(log.timestamp))
  if (log.appId !== undefined) w.uint32((4 << 3) | 2).string(log.appId)
  if (log.sourceType !== undefined) w.uint32((5 << 3) | 2).string(log.sourceType)
  if (log.sourceInstance !== undefined) w.uint32((6 << 3) | 2).string(log.sourceInstance)
}

function writeUuid(w: Writer, field: number, uuid: Uuid | undefined): void {
  nested(
    w,
    field,
    uuid &&
      ((x) => {
        if (uuid.low !== undefined) x.uint32(1 << 3).uint64(bits64(uuid.low))
        if (uuid.high !== undefined) x.uint32(2 << 3).uint64(bits64(uuid.high))
      }),
  )
}

function writeHttp(w: Writer, h: HttpStartStop): void {
  if (h.startTimestamp !== undefined) w.uint32(1 << 3).int64(bits64(h.startTimestamp))
  if (h.stopTimestamp !== undefined) w.uint32(2 << 3).int64(bits64(h.stopTimestamp))
  writeUuid(w, 3, h.requestId)
  if (h.peerType !== undefined) w.uint32(4 << 3).int32(h.peerType)
  if (h.method !== undefined) w.uint32(5 << 3).int32(h.method)
  const strings: Array<[number, string | undefined]> = [
    [6, h.uri],
    [7, h.remoteAddress],
    [8, h.userAgent],
  ]
  for (const [field, value] of strings) if (value !== undefined) w.uint32((field << 3) | 2).string(value)
  if (h.statusCode !== undefined) w.uint32(9 << 3).int32(h.statusCode)
  if (h.contentLength !== undefined) w.uint32(10 << 3).int64(bits64(h.contentLength))
  writeUuid(w, 12, h.applicationId)
  if (h.instanceIndex !== undefined) w.uint32(13 << 3).int32(h.instanceIndex)
  if (h.instanceId !== undefined) w.uint32((14 << 3) | 2).string(h.instanceId)
  for (const forwarded of h.forwarded ?? []) w.uint32((15 << 3) | 2).string(forwarded)
}

/**
 * A 64-bit value as the writer's {low, high} words. Given a string, protobufjs parses it with
 * long.js when it finds the package and through a double otherwise (rounding nanosecond
 * timestamps); the bundles leave long.js out (scripts/build.mjs), so the words are handed over.
 */
function bits64(value: bigint): protobuf.Long {
  const word = BigInt.asUintN(64, value)
  return {low: Number(word & 0xffff_ffffn), high: Number(word >> 32n), unsigned: true}
}
