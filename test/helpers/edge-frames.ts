import protobuf from 'protobufjs/minimal.js'

import {encodeEnvelope} from '../../src/envelope/encode.js'

type Writer = protobuf.Writer

function frame(write: (w: Writer) => void): Buffer {
  const w = protobuf.Writer.create()
  write(w)
  return Buffer.from(w.finish())
}

function tag(w: Writer, key: Uint8Array | string, value: Uint8Array | string): void {
  w.uint32((17 << 3) | 2).fork()
  w.uint32((1 << 3) | 2).bytes(typeof key === 'string' ? Buffer.from(key) : key)
  w.uint32((2 << 3) | 2).bytes(typeof value === 'string' ? Buffer.from(value) : value)
  w.ldelim()
}

/**
 * Frames a realistic feed rarely holds but a renderer must get exactly right: the firehose output
 * for each is pinned in test/unit/render/firehose-edges.test.ts.
 */
export const EDGE_FRAMES: Record<string, Buffer> = {
  'an empty envelope': Buffer.alloc(0),
  'tags out of order with a repeated key': frame((w) => {
    tag(w, 'b', '2')
    tag(w, 'a', '1')
    tag(w, 'b', '3')
  }),
  'tags with another field between them': frame((w) => {
    tag(w, 'b', '2')
    w.uint32((1 << 3) | 2).string('o')
    tag(w, 'a', '1')
  }),
  'tag keys that look like array indexes': frame((w) => {
    tag(w, 'z', '1')
    tag(w, '10', 'x')
    tag(w, '2', 'y')
    tag(w, '02', 'w')
  }),
  'tag keys beyond the Basic Multilingual Plane': frame((w) => {
    tag(w, '\uFFFD', 'replacement')
    tag(w, '\u{1F600}', 'emoji')
    tag(w, '\u00E9', 'e-acute')
  }),
  'a tag entry with no key or value': frame((w) => {
    w.uint32((17 << 3) | 2)
      .fork()
      .ldelim()
  }),
  'invalid UTF-8 in strings, tags and the log payload': frame((w) => {
    w.uint32((1 << 3) | 2).bytes(Buffer.from([0x66, 0xff, 0x67, 0xc3]))
    tag(w, Buffer.from([0xfe]), 'first')
    tag(w, Buffer.from([0xff]), Buffer.from([0x80, 0x41]))
    w.uint32((8 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .bytes(Buffer.from([0x61, 0xe2, 0x82, 0x0a, 0xf0, 0x9f, 0x98, 0x80]))
      .ldelim()
  }),
  'a byte order mark leading strings and the log payload': frame((w) => {
    w.uint32((1 << 3) | 2).string('\uFEFForigin')
    w.uint32((8 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .bytes(Buffer.from('\uFEFF\uFEFFtwo marks'))
      .ldelim()
  }),
  'a byte order mark before invalid UTF-8 in the log payload': frame((w) => {
    w.uint32((8 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .bytes(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xff]))
      .ldelim()
  }),
  'C1 and bidi controls in strings': frame((w) => {
    w.uint32((1 << 3) | 2).string(
      '\u0085\u009b\u061c\u200e\u200f\u202a\u202e\u2066\u2069 kept: \u2065\u202f\u200d\u00a0',
    )
  }),
  'control characters and quotes in strings': frame((w) => {
    w.uint32((1 << 3) | 2).string('\u0000\u0001\b\f\n\r\t\u001f\u007f"\\/\u2028 ok')
    w.uint32((8 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .bytes(Buffer.from('\u0007bell "q" \\ \u00e9\u{1F600}'))
      .ldelim()
  }),
  'a negative infinite double': frame((w) => {
    w.uint32((12 << 3) | 2)
      .fork()
      .uint32((3 << 3) | 1)
      .double(Number.NEGATIVE_INFINITY)
      .ldelim()
  }),
  'negative and maximal 64-bit values': frame((w) => {
    w.uint32(6 << 3).int64('-1')
    w.uint32((10 << 3) | 2)
      .fork()
      .uint32(2 << 3)
      .uint64('0')
      .uint32(3 << 3)
      .uint64('18446744073709551615')
      .ldelim()
    w.uint32((7 << 3) | 2)
      .fork()
      .uint32(1 << 3)
      .int64('-9223372036854775808')
      .uint32(10 << 3)
      .int64('9223372036854775807')
      .uint32(2 << 3)
      .int64('4294967296')
      .ldelim()
  }),
  'UUIDs with a half missing, and empty events': frame((w) => {
    w.uint32((7 << 3) | 2).fork()
    w.uint32((3 << 3) | 2)
      .fork()
      .uint32(1 << 3)
      .uint64('1')
      .ldelim()
    w.uint32((12 << 3) | 2)
      .fork()
      .ldelim()
    w.uint32((15 << 3) | 2).string('a')
    w.uint32((15 << 3) | 2).string('b')
    w.ldelim()
    w.uint32((11 << 3) | 2)
      .fork()
      .ldelim()
    w.uint32((8 << 3) | 2)
      .fork()
      .ldelim()
  }),
  'repeated fields, unknown fields and known fields with the wrong wire type': frame((w) => {
    w.uint32((1 << 3) | 2).string('first')
    w.uint32(2 << 3).int32(42)
    w.uint32((99 << 3) | 2).string('unknown')
    w.uint32((6 << 3) | 2).string('timestamp sent as bytes: skipped')
    w.uint32((1 << 3) | 2).string('last')
    w.uint32((9 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string('dropped')
      .ldelim()
    w.uint32((9 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string('kept')
      .uint32(3 << 3)
      .uint32(5)
      .ldelim()
    w.uint32((8 << 3) | 2)
      .fork()
      .uint32(2 << 3)
      .int32(7)
      .uint32(3 << 3)
      .int64('1')
      .ldelim()
    w.uint32((8 << 3) | 2)
      .fork()
      .uint32(2 << 3)
      .int32(1)
      .ldelim()
  }),
  ...Object.fromEntries(
    [Number.NaN, -0, 1e21, 5e-324, -1.5e-7, 999_999.5, 1e6, 0.1, 123_456_789.125].map((value) => [
      `the double ${Object.is(value, -0) ? '-0' : value}`,
      frame((w) =>
        w
          .uint32((9 << 3) | 2)
          .fork()
          .uint32((2 << 3) | 1)
          .double(value)
          .ldelim(),
      ),
    ]),
  ),
  'every event type in one envelope': Buffer.from(
    encodeEnvelope({
      origin: 'all',
      eventType: 4,
      logMessage: {message: Buffer.from('m'), messageType: 1},
      valueMetric: {name: 'v', value: 1, unit: 'u'},
      counterEvent: {name: 'c', delta: 1n, total: 2n},
      error: {source: 's', code: 0, message: 'e'},
      containerMetric: {applicationId: 'a', instanceIndex: 0},
      httpStartStop: {peerType: 9, method: 200, statusCode: -1, forwarded: ['a', 'b\u00e9']},
    }),
  ),
}
