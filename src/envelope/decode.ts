import {FrameScanner, type MessageScan, sameBytes} from './scan.js'
import {LOG_MESSAGE_FIELD} from './schema.js'
import type {Envelope, LogMessage} from './types.js'

export type DecodeResult = {ok: true; envelope: Envelope} | {ok: false; reason: string}

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
    return {ok: true, envelope: envelope.has(0) ? {logMessage: this.toLogMessage(envelope.children[0]!)} : {}}
  }

  // Field numbers in LOG_MESSAGE_FIELDS order: message, message_type, timestamp, app_id (not
  // needed: a stream is one app's), source_type, source_instance.
  private toLogMessage(scan: MessageScan): LogMessage {
    const {buf, starts, ends} = scan
    const log: LogMessage = {}
    if (scan.has(0)) log.message = buf.subarray(starts[0], ends[0])
    if (scan.has(1)) log.messageType = starts[1]
    if (scan.has(2)) log.timestamp = BigInt.asIntN(64, (BigInt(ends[2] >>> 0) << 32n) | BigInt(starts[2] >>> 0))
    if (scan.has(4)) log.sourceType = this.sourceTypes.get(buf, starts[4], ends[4])
    if (scan.has(5)) log.sourceInstance = this.sourceInstances.get(buf, starts[5], ends[5])
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
