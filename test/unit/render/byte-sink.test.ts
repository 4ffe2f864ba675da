import {strict as assert} from 'node:assert'

import {ByteSink} from '../../../src/render/byte-sink.js'
import {Literal} from '../../../src/render/literal.js'

// Bytes on each side of every boundary the four-at-a-time test draws (0x20–0x7e, `"`, `\`, high bit).
const EDGE_BYTES = [0x00, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0xc3, 0xff, 0x61]
// What a format's table says: copy everything printable but `"` and `\` (the text format's rule).
const STOPS = new Uint8Array(256).map((_, byte) =>
  byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c ? 0 : 1,
)

function plainPrefix(source: Uint8Array, start: number, end: number): number {
  let i = start
  while (i < end && STOPS[source[i]] === 0) i++
  return i
}

describe('ByteSink', () => {
  it('copyPlain stops at the first byte the table stops at, wherever it sits in a word', () => {
    // One memory for many sources at every offset, as frames of one socket read share theirs.
    const memory = Buffer.alloc(4096, 0x61)
    const sink = new ByteSink()
    let checked = 0
    for (let length = 0; length <= 24; length++) {
      for (let offset = 0; offset < 4; offset++) {
        for (let at = 0; at < length; at++) {
          for (const byte of EDGE_BYTES) {
            const source = memory.subarray(offset + 100, offset + 100 + length)
            source.fill(0x61)
            source[at] = byte
            sink.pos = 0
            sink.openQuote(length, 4)
            const stop = sink.copyPlain(source, 0, length, STOPS)
            assert.equal(
              stop,
              plainPrefix(source, 0, length),
              `length ${length}, offset ${offset}, 0x${byte.toString(16)} at ${at}`,
            )
            assert.deepEqual(sink.buf.subarray(1, sink.pos), source.subarray(0, stop))
            checked++
          }
        }
      }
    }

    assert.ok(checked > 10_000)
  })

  it('copyPlain reads each source at its own offset when sources change memory', () => {
    const sink = new ByteSink()
    const first = Buffer.from('xxxxabcdefghijklmnop').subarray(4)
    const second = Buffer.concat([Buffer.from('yyy'), Buffer.from('QRSTUVWXYZ"tail')]).subarray(3)
    for (const [source, expected] of [
      [first, 'abcdefghijklmnop'],
      [second, 'QRSTUVWXYZ'],
      [first, 'abcdefghijklmnop'],
    ] as const) {
      sink.pos = 0
      sink.openQuote(source.length, 4)
      const stop = sink.copyPlain(source, 0, source.length, STOPS)
      assert.equal(sink.buf.toString('latin1', 0, sink.pos), `"${expected}`)
      assert.equal(stop, expected.length)
    }
  })

  it('literal writes exactly its bytes, whatever their length, and nothing past them that stays', () => {
    const sink = new ByteSink()
    const words = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'tags:<key:', 'é<>']
    for (const word of words) sink.literal(new Literal(word))
    sink.byte(0x2e)
    assert.equal(sink.buf.toString('utf8', 0, sink.pos), `${words.join('')}.`)
  })

  it('keeps what was written when it grows', () => {
    const sink = new ByteSink(8)
    const label = new Literal('0123456789')
    for (let i = 0; i < 100; i++) sink.literal(label)
    assert.equal(sink.buf.toString('latin1', 0, sink.pos), '0123456789'.repeat(100))
  })

  it('discards what was written first and keeps the rest, in a smaller buffer once it grew past the bound', () => {
    const sink = new ByteSink(16)
    sink.ascii('a'.repeat(1000) + 'rest')
    const grown = sink.buf
    sink.discardFirst(1000, 4096)
    assert.equal(sink.buf, grown, 'a buffer within the bound is kept')
    assert.equal(sink.buf.toString('latin1', 0, sink.pos), 'rest')

    sink.ascii('b'.repeat(10_000))
    sink.discardFirst(10_000, 4096)
    assert.equal(sink.buf.toString('latin1', 0, sink.pos), 'bbbb')
    assert.equal(sink.buf.length, 16, 'back to its first size: the rest fits')
    sink.ascii('more')
    assert.equal(sink.buf.toString('latin1', 0, sink.pos), 'bbbbmore')

    sink.ascii('c'.repeat(10_000))
    sink.discardFirst(sink.pos, 4096)
    assert.equal(sink.pos, 0)
    assert.equal(sink.buf.length, 16)
  })

  it('takes back only buffers it handed out whole, never one of the memory Node pools small buffers in', () => {
    // Node 24 pools small buffers in 64 KiB, the sink's own size: a copied-out chunk lies there.
    const sink = new ByteSink(Buffer.poolSize)
    sink.ascii('small')
    const copied = sink.take()
    assert.equal(copied.buffer.byteLength, Buffer.poolSize)
    sink.recycle(copied)
    const neighbour = Buffer.allocUnsafe(16).fill(0x61)
    for (let round = 0; round < 3; round++) {
      sink.ascii('x'.repeat(Buffer.poolSize - 8))
      const whole = sink.take()
      assert.notEqual(whole.buffer, copied.buffer)
      sink.recycle(whole)
    }

    assert.equal(neighbour.toString('latin1'), 'a'.repeat(16))
  })

  it('reuses a buffer it handed out whole once it is back', () => {
    const sink = new ByteSink(1024)
    sink.ascii('x'.repeat(1000))
    const first = sink.take()
    sink.recycle(first)
    sink.ascii('y'.repeat(1000))
    sink.take()
    assert.equal(sink.buf.buffer, first.buffer)
  })
})
