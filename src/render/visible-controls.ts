import {ByteSink} from './byte-sink.js'

/*
 * Control characters made visible instead of executed (README "Control characters"): an app's log
 * line or a server's error text could otherwise retitle the terminal (`ESC ] 0;…`), clear it, write
 * the clipboard (OSC 52), move the cursor, forge a line with `\r`, or reorder what follows with a
 * bidi override. Written as Go's strconv.Quote writes them (`\x1b`, `\r`, `\u009b`, `\u202e`);
 * a backslash is left as it is, so a Windows path or a JSON log line reads as the app wrote it.
 */

// Per byte: 0 to copy it; else a byte that is, or may start, a control character to escape.
const CONTROL = 1
// A lead byte of U+0080–U+009F (C2), U+061C (D8), or the bidi marks and overrides U+200E–U+2069 (E2).
const MAYBE = 2
export const VISIBLE_ESCAPES = new Uint8Array(256).map((_, byte) =>
  (byte < 0x20 && byte !== 0x09) || byte === 0x7f
    ? CONTROL
    : byte === 0xc2 || byte === 0xd8 || byte === 0xe2
      ? MAYBE
      : 0,
)

/**
 * How many bytes of `source` at `at` (valid UTF-8) make a control character to escape: C0 but TAB,
 * DEL, C1, and the bidi ones: ALM U+061C, LRM/RLM U+200E/U+200F, the embeddings and overrides
 * U+202A–U+202E, the isolates U+2066–U+2069. 0 for any other character.
 */
export function controlLength(source: Uint8Array, at: number, end: number): number {
  const kind = VISIBLE_ESCAPES[source[at]]
  if (kind !== MAYBE) return kind === CONTROL ? 1 : 0
  const lead = source[at]
  const second = at + 1 < end ? source[at + 1] : 0
  if (lead === 0xc2) return second >= 0x80 && second <= 0x9f ? 2 : 0
  if (lead === 0xd8) return second === 0x9c ? 2 : 0
  const third = at + 2 < end ? source[at + 2] : 0
  if (second === 0x80) return third === 0x8e || third === 0x8f || (third >= 0xaa && third <= 0xae) ? 3 : 0
  return second === 0x81 && third >= 0xa6 && third <= 0xa9 ? 3 : 0
}

/** The code point of the `length` bytes (1 to 3) at `at`. */
export function codePointAt(source: Uint8Array, at: number, length: number): number {
  if (length === 1) return source[at]
  if (length === 2) return ((source[at] & 0x1f) << 6) | (source[at + 1] & 0x3f)
  return ((source[at] & 0x0f) << 12) | ((source[at + 1] & 0x3f) << 6) | (source[at + 2] & 0x3f)
}

export const HEX = Buffer.from('0123456789abcdef')
const SHORT_ESCAPES: Readonly<Record<number, number>> = {
  0x07: 0x61,
  0x08: 0x62,
  0x0a: 0x6e,
  0x0b: 0x76,
  0x0c: 0x66,
  0x0d: 0x72,
}

/**
 * `source[start, end)`, valid UTF-8, into `out` with each control character escaped. A run of
 * plain ASCII is found four bytes at a time and copied in one go: text with nothing to escape costs
 * a scan more than a copy.
 */
export function writeVisible(out: ByteSink, source: Uint8Array, start: number, end: number): void {
  let copied = start
  for (let i = start; ;) {
    i = out.scanPlain(source, i, end, VISIBLE_ESCAPES)
    if (i === end) break
    const length = controlLength(source, i, end)
    if (length === 0) {
      i++
      continue
    }

    out.copy(source, copied, i)
    writeEscape(out, codePointAt(source, i, length))
    i += length
    copied = i
  }

  out.copy(source, copied, end)
}

function writeEscape(out: ByteSink, codePoint: number): void {
  out.reserve(6)
  const {buf} = out
  let {pos} = out
  buf[pos++] = 0x5c
  const short = SHORT_ESCAPES[codePoint]
  if (short !== undefined) {
    buf[pos++] = short
  } else if (codePoint < 0x80) {
    buf[pos++] = 0x78
    buf[pos++] = HEX[codePoint >> 4]
    buf[pos++] = HEX[codePoint & 15]
  } else {
    buf[pos++] = 0x75
    for (let shift = 12; shift >= 0; shift -= 4) buf[pos++] = HEX[(codePoint >> shift) & 15]
  }

  out.pos = pos
}

/** `text` with its control characters, line breaks included, escaped: for a header or a line on stderr. */
export function visibleControls(text: string): string {
  const source = Buffer.from(text)
  const sink = new ByteSink(source.length * 6 + 16)
  writeVisible(sink, source, 0, source.length)
  return sink.buf.toString('utf8', 0, sink.pos)
}
