import protobuf from 'protobufjs/minimal.js'

import {readContainerMetric, readCounterEvent, readError, readHttpStartStop, readLogMessage, readValueMetric} from './event-readers.js'
import type {Envelope} from './types.js'
import {checkEnd, int64, nestedEnd, type Reader, skipField} from './wire.js'

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
