import type ProtobufReader from 'protobufjs/src/reader.js'

export type Reader = ProtobufReader

// Each reader switches on the whole tag, `(field << 3) | wireType`: a known field with an unexpected
// wire type falls to the default and is skipped like an unknown one. Plain loops: no callback is
// allocated per message.

/**
 * `reader.tag()` for a field's tag, with one-byte tags (fields 1-15, nearly every tag) read
 * inline: the reader's call costs more than the rest of a field's scan. Anything else, the end of
 * the frame included, goes through the reader, with its checks and errors (a tag longer than five
 * bytes is refused there, as protobufjs's decoder refuses it).
 */
export function readTag(reader: Reader): number {
  const byte = reader.buf[reader.pos]
  if (!(byte < 0x80 && reader.pos < reader.len)) return reader.tag()
  reader.pos++
  return byte
}

/**
 * Skips a field this reader does not know (protobufjs bounds the nesting of groups). Given the
 * field number, protobufjs also refuses a group closed by another field's end tag, as its own
 * decoder does: without it the scanner read frames that a decode refuses (the fuzz test's finding).
 */
export function skipField(reader: Reader, tag: number): void {
  const field = tag >>> 3
  if (field === 0) throw new Error(`illegal field number 0 at offset ${reader.pos}`)
  reader.skipType(tag & 7, 0, field)
}

/** A message must end exactly at its length: a field that ran past it means a corrupt frame. */
export function checkEnd(reader: Reader, end: number): void {
  if (reader.pos !== end) throw new Error(`a field ran past the end of its message at offset ${end}`)
}

/** The end offset of a length-delimited nested message, checked against the frame. */
export function nestedEnd(reader: Reader): number {
  // size(), not uint32(): a length past 2^31 is refused as protobufjs's decoder refuses it.
  const length = reader.size()
  const end = reader.pos + length
  if (end > reader.len) throw new Error(`a length of ${length} at offset ${reader.pos} runs past the frame`)
  return end
}
