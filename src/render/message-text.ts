import {isUtf8} from 'node:buffer'

import type {LogMessage} from '../envelope/types.js'

const NO_BYTES = Buffer.alloc(0)

/**
 * A message's text as bytes, `source[0, end)`: trailing line breaks left out, and ill-formed
 * UTF-8 replaced by U+FFFD as decoding would (only a message that is not valid UTF-8 is copied).
 */
export class MessageText {
  source: Buffer = NO_BYTES
  end = 0

  read(log: LogMessage): void {
    const bytes = log.message ?? NO_BYTES
    let end = bytes.length
    while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--
    // Checked whole: the line breaks after `end` are valid characters of their own.
    if (!isUtf8(bytes)) {
      this.source = repairUtf8(bytes, end)
      this.end = this.source.length
      return
    }

    this.source = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.end = end
  }
}

const REPLACEMENT = [0xef, 0xbf, 0xbd]

/**
 * `source[0, end)` with each ill-formed part replaced by U+FFFD's bytes, exactly as decoding with
 * Buffer#toString('utf8') and encoding again gives them, but without a string: the WHATWG decoder's
 * rule (one U+FFFD per maximal subpart; a byte that ends a sequence early starts afresh).
 */
export function repairUtf8(source: Uint8Array, end: number): Buffer {
  // An ill-formed byte (one byte) becomes three; well-formed ones stay as they are.
  const out = Buffer.allocUnsafe(end * 3)
  let length = 0
  for (let i = 0; i < end;) {
    const lead = source[i]
    if (lead < 0x80) {
      out[length++] = lead
      i++
      continue
    }

    const needed =
      lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    let lower = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80
    let upper = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf
    let next = i + 1
    let seen = 0
    while (seen < needed && next < end && source[next] >= lower && source[next] <= upper) {
      next++
      seen++
      lower = 0x80
      upper = 0xbf
    }

    if (needed > 0 && seen === needed) {
      for (let k = i; k < next; k++) out[length++] = source[k]
    } else {
      out.set(REPLACEMENT, length)
      length += 3
    }

    i = next
  }

  return out.subarray(0, length)
}
