import {FrameScanner} from '../../src/envelope/scan.js'
import {ENVELOPE_FIELDS} from '../../src/envelope/schema.js'
import {ByteSink} from '../../src/render/byte-sink.js'
import {writeEnvelopeJson} from '../../src/render/envelope-json.js'
import {writeEnvelopeText} from '../../src/render/envelope-text.js'

const scanner = new FrameScanner(ENVELOPE_FIELDS)

/** A firehose frame's output bytes in one format, or the scanner's reason for rejecting it. */
export function renderFrame(frame: Uint8Array, format: 'text' | 'json'): Buffer {
  const reason = scanner.scan(frame)
  if (reason !== undefined) throw new Error(`not an envelope: ${reason}`)
  const out = new ByteSink(16)
  if (format === 'text') writeEnvelopeText(out, scanner.envelope)
  else writeEnvelopeJson(out, scanner.envelope)
  return out.take()
}

/** The same, as text (the output is always valid UTF-8). */
export function renderFrameText(frame: Uint8Array, format: 'text' | 'json'): string {
  return renderFrame(frame, format).toString('utf8')
}
