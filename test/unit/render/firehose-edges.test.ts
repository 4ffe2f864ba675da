import {strict as assert} from 'node:assert'

import {EDGE_FRAMES} from '../../helpers/edge-frames.js'
import {encodeEnvelope} from '../../../src/envelope/encode.js'
import {renderFrame} from '../../helpers/render-frame.js'

// [text, JSON] for each frame, as cfws 0.2.0 printed them: the firehose's output must not change
// byte for byte, however the renderers are built; but JSON escapes DEL, C1 and bidi controls
// too since issue 15 (README "Control characters"), and a message field met twice is merged, as
// protobuf, Go's decoder and protobufjs 8 read it (0.2.0's protobufjs 7 kept the last copy).
const EXPECTED: Record<string, [string, string]> = {
  'an empty envelope': ['\n', '{}\n'],
  'tags out of order with a repeated key': [
    'tags:<key:"a" value:"1" > tags:<key:"b" value:"3" >\n',
    '{"tags":{"b":"3","a":"1"}}\n',
  ],
  'tags with another field between them': [
    'origin:"o" tags:<key:"a" value:"1" > tags:<key:"b" value:"2" >\n',
    '{"origin":"o","tags":{"b":"2","a":"1"}}\n',
  ],
  'tag keys that look like array indexes': [
    'tags:<key:"02" value:"w" > tags:<key:"10" value:"x" > tags:<key:"2" value:"y" > tags:<key:"z" value:"1" >\n',
    '{"tags":{"2":"y","10":"x","z":"1","02":"w"}}\n',
  ],
  'tag keys beyond the Basic Multilingual Plane': [
    'tags:<key:"\\303\\251" value:"e-acute" > tags:<key:"\\360\\237\\230\\200" value:"emoji" > tags:<key:"\\357\\277\\275" value:"replacement" >\n',
    '{"tags":{"�":"replacement","😀":"emoji","é":"e-acute"}}\n',
  ],
  'a tag entry with no key or value': ['tags:<key:"" value:"" >\n', '{"tags":{"":""}}\n'],
  'invalid UTF-8 in strings, tags and the log payload': [
    'origin:"f\\357\\277\\275g\\357\\277\\275" tags:<key:"\\357\\277\\275" value:"\\357\\277\\275A" > logMessage:<message:"a\\342\\202\\n\\360\\237\\230\\200" >\n',
    '{"origin":"f�g�","tags":{"�":"�A"},"logMessage":{"message":"a�\\n😀"}}\n',
  ],
  'a byte order mark leading strings and the log payload': [
    'origin:"\\357\\273\\277origin" logMessage:<message:"\\357\\273\\277\\357\\273\\277two marks" >\n',
    '{"origin":"﻿origin","logMessage":{"message":"﻿﻿two marks"}}\n',
  ],
  'a byte order mark before invalid UTF-8 in the log payload': [
    'logMessage:<message:"\\357\\273\\277a\\377" >\n',
    '{"logMessage":{"message":"﻿a�"}}\n',
  ],
  'C1 and bidi controls in strings': [
    'origin:"\\302\\205\\302\\233\\330\\234\\342\\200\\216\\342\\200\\217\\342\\200\\252\\342\\200\\256\\342\\201\\246\\342\\201\\251 kept: \\342\\201\\245\\342\\200\\257\\342\\200\\215\\302\\240"\n',
    '{"origin":"\\u0085\\u009b\\u061c\\u200e\\u200f\\u202a\\u202e\\u2066\\u2069 kept: ⁥ ‍ "}\n',
  ],
  'control characters and quotes in strings': [
    'origin:"\\000\\001\\010\\014\\n\\r\\t\\037\\177\\"\\\\/\\342\\200\\250 ok" logMessage:<message:"\\007bell \\"q\\" \\\\ \\303\\251\\360\\237\\230\\200" >\n',
    '{"origin":"\\u0000\\u0001\\b\\f\\n\\r\\t\\u001f\\u007f\\"\\\\/  ok","logMessage":{"message":"\\u0007bell \\"q\\" \\\\ é😀"}}\n',
  ],
  'a negative infinite double': [
    'containerMetric:<cpuPercentage:-inf >\n',
    '{"containerMetric":{"cpuPercentage":"-Infinity"}}\n',
  ],
  'negative and maximal 64-bit values': [
    'timestamp:-1 httpStartStop:<startTimestamp:-9223372036854775808 stopTimestamp:4294967296 contentLength:9223372036854775807 > counterEvent:<delta:0 total:18446744073709551615 >\n',
    '{"timestamp":-1,"httpStartStop":{"startTimestamp":-9223372036854775808,"stopTimestamp":4294967296,"contentLength":9223372036854775807},"counterEvent":{"delta":0,"total":18446744073709551615}}\n',
  ],
  'UUIDs with a half missing, and empty events': [
    'httpStartStop:<requestId:<low:1 > applicationId:<> forwarded:"a" forwarded:"b" > logMessage:<> error:<>\n',
    '{"httpStartStop":{"requestId":"01000000-0000-0000-0000-000000000000","applicationId":"00000000-0000-0000-0000-000000000000","forwarded":["a","b"]},"logMessage":{},"error":{}}\n',
  ],
  'repeated fields, unknown fields and known fields with the wrong wire type': [
    'origin:"last" eventType:42 logMessage:<message_type:OUT timestamp:1 > valueMetric:<name:"kept" >\n',
    '{"origin":"last","eventType":42,"logMessage":{"message_type":"OUT","timestamp":1},"valueMetric":{"name":"kept"}}\n',
  ],
  'the double NaN': ['valueMetric:<value:nan >\n', '{"valueMetric":{"value":"NaN"}}\n'],
  'the double -0': ['valueMetric:<value:-0 >\n', '{"valueMetric":{"value":0}}\n'],
  'the double 1e+21': ['valueMetric:<value:1e+21 >\n', '{"valueMetric":{"value":1e+21}}\n'],
  'the double 5e-324': ['valueMetric:<value:5e-324 >\n', '{"valueMetric":{"value":5e-324}}\n'],
  'the double -1.5e-7': ['valueMetric:<value:-1.5e-07 >\n', '{"valueMetric":{"value":-1.5e-7}}\n'],
  'the double 999999.5': ['valueMetric:<value:999999.5 >\n', '{"valueMetric":{"value":999999.5}}\n'],
  'the double 1000000': ['valueMetric:<value:1e+06 >\n', '{"valueMetric":{"value":1000000}}\n'],
  'the double 0.1': ['valueMetric:<value:0.1 >\n', '{"valueMetric":{"value":0.1}}\n'],
  'the double 123456789.125': ['valueMetric:<value:1.23456789125e+08 >\n', '{"valueMetric":{"value":123456789.125}}\n'],
  'every event type in one envelope': [
    'origin:"all" eventType:HttpStartStop httpStartStop:<peerType:9 method:200 statusCode:-1 forwarded:"a" forwarded:"b\\303\\251" > logMessage:<message:"m" message_type:OUT > valueMetric:<name:"v" value:1 unit:"u" > counterEvent:<name:"c" delta:1 total:2 > error:<source:"s" code:0 message:"e" > containerMetric:<applicationId:"a" instanceIndex:0 >\n',
    '{"origin":"all","eventType":"HttpStartStop","httpStartStop":{"peerType":9,"method":200,"statusCode":-1,"forwarded":["a","bé"]},"logMessage":{"message":"m","message_type":"OUT"},"valueMetric":{"name":"v","value":1,"unit":"u"},"counterEvent":{"name":"c","delta":1,"total":2},"error":{"source":"s","code":0,"message":"e"},"containerMetric":{"applicationId":"a","instanceIndex":0}}\n',
  ],
}

// Compared as latin1 so that every byte counts, including ones a UTF-8 decode would replace.
const bytes = (text: string): string => Buffer.from(text).toString('latin1')

describe('firehose output of unusual envelopes', () => {
  for (const [name, frame] of Object.entries(EDGE_FRAMES)) {
    it(`renders ${name} exactly`, () => {
      const [text, json] = EXPECTED[name]
      assert.equal(renderFrame(frame, 'text').toString('latin1'), bytes(text))
      assert.equal(renderFrame(frame, 'json').toString('latin1'), bytes(json))
    })
  }

  it('writes the same bytes wherever the output buffer runs out of room', () => {
    const CONTROLS = '\x01'.repeat(40)
    // Every write must reserve what it writes (a literal's whole words included), wherever the
    // buffer's end falls in the line. Beside the edge frames: strings that grow the most when
    // escaped, and a UUID closing its message (its JSON writer reserves exactly 38 bytes).
    const frames = {
      ...EDGE_FRAMES,
      'escaped strings': encodeEnvelope({
        origin: CONTROLS,
        tags: new Map([[CONTROLS, CONTROLS]]),
        httpStartStop: {forwarded: [CONTROLS, CONTROLS]},
        logMessage: {message: Buffer.alloc(40, 0xff)},
      }),
      'a UUID last in its message': encodeEnvelope({
        httpStartStop: {applicationId: {low: 2n ** 64n - 1n, high: 2n ** 64n - 1n}},
      }),
    }
    for (const [name, frame] of Object.entries(frames)) {
      for (const format of ['text', 'json'] as const) {
        const expected = renderFrame(frame, format, 1 << 16)
        for (let room = 0; room <= expected.length + 8; room++) {
          assert.ok(
            renderFrame(frame, format, room).equals(expected),
            `${name}, ${format}, with room for ${room} bytes`,
          )
        }
      }
    }
  })

  it('has an expectation for every frame', () => {
    assert.deepEqual(Object.keys(EXPECTED), Object.keys(EDGE_FRAMES))
  })
})
