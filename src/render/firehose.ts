import {FrameScanner} from '../envelope/scan.js'
import {ENVELOPE_FIELDS, fieldIndex} from '../envelope/schema.js'
import type {ByteSink} from './byte-sink.js'
import {EnvelopeJsonWriter} from './envelope-json.js'
import {EnvelopeTextWriter} from './envelope-text.js'

const EVENT_TYPE = fieldIndex(ENVELOPE_FIELDS, 'eventType')

/** Writes one frame's output into `out`; returns why, when the frame is not an envelope. */
export type FrameRenderer = (frame: Buffer, out: ByteSink) => string | undefined

/**
 * Firehose frames of the wanted event types (every envelope when `types` is undefined) as
 * `cf nozzle` text or NDJSON (64-bit integers as strings with `int64AsString`); other envelopes
 * write nothing.
 */
export function createFirehoseRenderer(
  format: 'text' | 'json',
  types: ReadonlySet<number> | undefined,
  {int64AsString = false} = {},
): FrameRenderer {
  const scanner = new FrameScanner(ENVELOPE_FIELDS)
  const writer = format === 'json' ? new EnvelopeJsonWriter(int64AsString) : new EnvelopeTextWriter()
  return (frame, out) => {
    const reason = scanner.scan(frame)
    if (reason !== undefined) return reason
    const {envelope} = scanner
    if (types === undefined || (envelope.has(EVENT_TYPE) && types.has(envelope.int32(EVENT_TYPE)))) {
      writer.write(out, envelope)
      // One turn reads many frames: the sink goes to stdout once it nears its capacity, rather than
      // doubling (a copy of all it holds, and a new buffer) each time a turn outgrows it.
      out.checkpoint()
    }
    return undefined
  }
}
