import {FrameScanner} from '../../src/envelope/scan.js'
import {ENVELOPE_FIELDS} from '../../src/envelope/schema.js'
import {ByteSink} from '../../src/render/byte-sink.js'
import {EnvelopeJsonWriter} from '../../src/render/envelope-json.js'
import {EnvelopeTextWriter} from '../../src/render/envelope-text.js'

const scanner = new FrameScanner(ENVELOPE_FIELDS)
const writers = {text: new EnvelopeTextWriter(), json: new EnvelopeJsonWriter()}

// Output already in the sink when the frame starts, as when it is not a batch's first.
const EARLIER_OUTPUT = 64

/**
 * A firehose frame's output bytes in one format, or the scanner's reason for rejecting it. The
 * sink has `room` bytes left when the frame starts, so that rendering makes it grow.
 */
export function renderFrame(frame: Uint8Array, format: 'text' | 'json', room = 16): Buffer {
  const reason = scanner.scan(frame)
  if (reason !== undefined) throw new Error(`not an envelope: ${reason}`)
  const out = new ByteSink(EARLIER_OUTPUT + room)
  out.pos = EARLIER_OUTPUT
  writers[format].write(out, scanner.envelope)
  return out.take().subarray(EARLIER_OUTPUT)
}

/** The same, as text (the output is always valid UTF-8). */
export function renderFrameText(frame: Uint8Array, format: 'text' | 'json'): string {
  return renderFrame(frame, format).toString('utf8')
}
