import {FrameScanner, type MessageScan, sameBytes} from './scan.js'
import {fieldIndex, LOG_MESSAGE_FIELD, LOG_MESSAGE_FIELDS} from './schema.js'
import type {Envelope, LogMessage} from './types.js'

export type DecodeResult = {ok: true; envelope: Envelope} | {ok: false; reason: string}

// The scanner reads an envelope of one field, the LogMessage: its index is 0.
const LOG_MESSAGE = 0
const MESSAGE = fieldIndex(LOG_MESSAGE_FIELDS, 'message')
const MESSAGE_TYPE = fieldIndex(LOG_MESSAGE_FIELDS, 'message_type')
const TIMESTAMP = fieldIndex(LOG_MESSAGE_FIELDS, 'timestamp')
const SOURCE_TYPE = fieldIndex(LOG_MESSAGE_FIELDS, 'source_type')
const SOURCE_INSTANCE = fieldIndex(LOG_MESSAGE_FIELDS, 'source_instance')

/**
 * The LogMessage of each frame (all `cfws logs` prints). One per stream: it reuses its scanner and
 * remembers the stream's source names. Never throws: a frame it cannot decode comes back as a
 * reason, so the caller can count it and keep streaming (STYLE.md "Streams and output"). Fields
 * may come in any order, unknown fields are skipped, "required" ones may be missing.
 */
export class LogMessageDecoder {
  // Only the LogMessage is read: every other field of the envelope is skipped, not decoded.
  private readonly scanner = new FrameScanner([LOG_MESSAGE_FIELD])
  private readonly sourceTypes = new RepeatedStrings()
  private readonly sourceInstances = new RepeatedStrings()

  decode(frame: Uint8Array): DecodeResult {
    const reason = this.scanner.scan(frame)
    if (reason !== undefined) return {ok: false, reason}
    const {envelope} = this.scanner
    return {
      ok: true,
      envelope: envelope.has(LOG_MESSAGE) ? {logMessage: this.toLogMessage(envelope.child(LOG_MESSAGE))} : {},
    }
  }

  // app_id is not read: a stream is one app's.
  private toLogMessage(scan: MessageScan): LogMessage {
    const {buf} = scan
    const log: LogMessage = {}
    if (scan.has(MESSAGE)) log.message = buf.subarray(scan.start(MESSAGE), scan.end(MESSAGE))
    if (scan.has(MESSAGE_TYPE)) log.messageType = scan.int32(MESSAGE_TYPE)
    if (scan.has(TIMESTAMP)) {
      const high = scan.int64High(TIMESTAMP)
      const low = scan.int64Low(TIMESTAMP) >>> 0
      log.timestamp = BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low))
      log.timestampOrder = high * 2 ** 32 + low
    }
    if (scan.has(SOURCE_TYPE))
      log.sourceType = this.sourceTypes.get(buf, scan.start(SOURCE_TYPE), scan.end(SOURCE_TYPE))
    if (scan.has(SOURCE_INSTANCE))
      log.sourceInstance = this.sourceInstances.get(buf, scan.start(SOURCE_INSTANCE), scan.end(SOURCE_INSTANCE))
    return log
  }
}

/**
 * The decoded strings of the few values a field keeps repeating (source types, instance indexes):
 * comparing a dozen bytes costs less than a call to decode them.
 */
class RepeatedStrings {
  private readonly bytes: Buffer[] = []
  private readonly strings: string[] = []

  get(buf: Buffer, start: number, end: number): string {
    const length = end - start
    for (let i = 0; i < this.bytes.length; i++) {
      const known = this.bytes[i]
      if (sameBytes(known, 0, known.length, buf, start, end)) return this.strings[i]
    }

    const text = buf.toString('utf8', start, end)
    if (length <= 64) {
      if (this.bytes.length === 16) {
        this.bytes.shift()
        this.strings.shift()
      }

      this.bytes.push(Buffer.from(buf.subarray(start, end)))
      this.strings.push(text)
    }

    return text
  }
}
