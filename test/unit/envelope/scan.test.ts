import {strict as assert} from 'node:assert'

import {LogMessageDecoder} from '../../../src/envelope/decode.js'
import {FrameScanner} from '../../../src/envelope/scan.js'
import {ENVELOPE_FIELDS, fieldIndex, Kind} from '../../../src/envelope/schema.js'
import {encodeEnvelope} from '../../../src/envelope/encode.js'
import type {Envelope} from '../../../src/envelope/model.js'
import {logEnvelope, T0, withUnknownField} from '../../helpers/envelopes.js'
import {referenceJson} from '../../helpers/reference-decode.js'
import {renderFrameText} from '../../helpers/render-frame.js'

const BIG = 18_446_744_073_709_551_615n // 2^64 - 1: far above 2^53
const scanner = new FrameScanner(ENVELOPE_FIELDS)
const logs = new LogMessageDecoder()

describe('FrameScanner', () => {
  it('keeps every event type, with 64-bit values exact', () => {
    const envelope: Envelope = {
      origin: 'gorouter',
      eventType: 4,
      timestamp: 9_223_372_036_854_775_807n,
      httpStartStop: {
        startTimestamp: 1_764_000_000_000_000_001n,
        stopTimestamp: 1_764_000_000_000_000_999n,
        requestId: {low: 0x7243cc580bc17af4n, high: 0x79d4c3b2020e67a5n},
        peerType: 1,
        method: 44,
        uri: 'https://app.example.com/',
        remoteAddress: '10.0.0.1:5000',
        userAgent: 'curl/8',
        statusCode: 200,
        contentLength: -1n,
        applicationId: {low: 1n, high: BIG},
        instanceIndex: -1,
        instanceId: 'abc',
        forwarded: ['1.1.1.1', '2.2.2.2'],
      },
      valueMetric: {name: 'CapacityTotalMemory', value: 16_000.5, unit: 'MiB'},
      counterEvent: {name: 'dropped', delta: BIG, total: BIG},
      error: {source: 'doppler', code: -42, message: 'oops'},
      containerMetric: {
        applicationId: 'guid',
        instanceIndex: 3,
        cpuPercentage: 12.5,
        memoryBytes: BIG,
        diskBytes: 1n,
        memoryBytesQuota: 2n,
        diskBytesQuota: 0n,
      },
      deployment: '',
      job: 'router',
      index: 'z1',
      ip: '',
      tags: new Map([
        ['a', '1'],
        ['', ''],
      ]),
    }
    // As cfws 0.2.0's object decoder and JSON renderer wrote it.
    const expected =
      '{"origin":"gorouter","eventType":"HttpStartStop","timestamp":9223372036854775807,"deployment":"","job":"router","index":"z1","ip":"","tags":{"a":"1","":""},"httpStartStop":{"startTimestamp":1764000000000000001,"stopTimestamp":1764000000000000999,"requestId":"f47ac10b-58cc-4372-a567-0e02b2c3d479","peerType":"Client","method":"VERSION_CONTROL","uri":"https://app.example.com/","remoteAddress":"10.0.0.1:5000","userAgent":"curl/8","statusCode":200,"contentLength":-1,"applicationId":"01000000-0000-0000-ffff-ffffffffffff","instanceIndex":-1,"instanceId":"abc","forwarded":["1.1.1.1","2.2.2.2"]},"valueMetric":{"name":"CapacityTotalMemory","value":16000.5,"unit":"MiB"},"counterEvent":{"name":"dropped","delta":18446744073709551615,"total":18446744073709551615},"error":{"source":"doppler","code":-42,"message":"oops"},"containerMetric":{"applicationId":"guid","instanceIndex":3,"cpuPercentage":12.5,"memoryBytes":18446744073709551615,"diskBytes":1,"memoryBytesQuota":2,"diskBytesQuota":0}}\n'
    assert.equal(renderFrameText(encodeEnvelope(envelope), 'json'), expected)
  })

  it('reads each field through the accessor of its kind, found by name', () => {
    const frame = encodeEnvelope({
      origin: 'gorouter',
      eventType: 4,
      timestamp: -2n,
      httpStartStop: {
        uri: '/a',
        statusCode: -7,
        contentLength: 0x1_0000_0002n,
        requestId: {low: 5n, high: BIG},
        forwarded: ['x', 'yz'],
      },
      valueMetric: {name: 'm', value: 2.5, unit: 'B'},
    })
    assert.equal(scanner.scan(frame), undefined)
    const {envelope} = scanner
    const origin = fieldIndex(ENVELOPE_FIELDS, 'origin')
    assert.equal(envelope.kind(origin), Kind.String)
    assert.equal(envelope.buf.toString('utf8', envelope.start(origin), envelope.end(origin)), 'gorouter')
    assert.equal(envelope.int32(fieldIndex(ENVELOPE_FIELDS, 'eventType')), 4)
    const timestamp = fieldIndex(ENVELOPE_FIELDS, 'timestamp')
    assert.deepEqual([envelope.int64Low(timestamp), envelope.int64High(timestamp)], [-2, -1])
    const httpFields = ENVELOPE_FIELDS[fieldIndex(ENVELOPE_FIELDS, 'httpStartStop')].fields!
    const http = envelope.child(fieldIndex(ENVELOPE_FIELDS, 'httpStartStop'))
    assert.equal(http.int32(fieldIndex(httpFields, 'statusCode')), -7)
    const length = fieldIndex(httpFields, 'contentLength')
    assert.deepEqual([http.int64Low(length), http.int64High(length)], [2, 1])
    const requestId = http.child(fieldIndex(httpFields, 'requestId'))
    assert.deepEqual([requestId.int64Low(0), requestId.int64High(1)], [5, -1])
    const forwarded = http.list(fieldIndex(httpFields, 'forwarded'))
    assert.deepEqual([forwarded.count, forwarded.ends[1] - forwarded.starts[1]], [2, 2])
    assert.equal(http.has(fieldIndex(httpFields, 'method')), false)
    const metricFields = ENVELOPE_FIELDS[fieldIndex(ENVELOPE_FIELDS, 'valueMetric')].fields!
    assert.equal(
      envelope.child(fieldIndex(ENVELOPE_FIELDS, 'valueMetric')).double(fieldIndex(metricFields, 'value')),
      2.5,
    )
  })

  it('names the fields there are when asked for one there is not', () => {
    assert.throws(() => fieldIndex(ENVELOPE_FIELDS.slice(0, 2), 'tags'), {
      message: 'no field tags in origin, eventType',
    })
  })

  it('gives the LogMessage to `cfws logs` with its values exact', () => {
    const result = logs.decode(logEnvelope('hello', {messageType: 2}))
    assert.ok(result.ok)
    const log = result.envelope.logMessage!
    assert.equal(Buffer.from(log.message!).toString(), 'hello')
    assert.equal(log.messageType, 2)
    assert.equal(log.timestamp, T0)
    assert.equal(log.timestampOrder, Number(T0), 'the same time as a double, for ordering')
    assert.equal(log.sourceType, 'APP/PROC/WEB')
    assert.equal(log.sourceInstance, '0')
    const negative = logs.decode(
      encodeEnvelope({logMessage: {timestamp: -2n, appId: 'not needed', sourceType: 'caf\u00e9'}}),
    )
    assert.deepEqual(negative.ok && negative.envelope, {
      logMessage: {timestamp: -2n, timestampOrder: -2, sourceType: 'caf\u00e9'},
    })
    for (let i = 0; i < 60; i++) {
      // more distinct values than the decoder keeps, repeated
      const sourceType = i % 2 === 0 ? 'APP/PROC/WEB' : `RTR-${i % 25}`
      const decoded = logs.decode(encodeEnvelope({logMessage: {sourceType, sourceInstance: String(i % 3)}}))
      assert.deepEqual(decoded.ok && decoded.envelope, {logMessage: {sourceType, sourceInstance: String(i % 3)}})
    }
    assert.deepEqual(logs.decode(encodeEnvelope({origin: 'no log'})), {ok: true, envelope: {}})
    assert.equal(logs.decode(Buffer.from([0x42, 0x05, 0x0a])).ok, false, 'a truncated LogMessage is reported')
  })

  it('skips fields it does not know', () => {
    const envelope: Envelope = {origin: 'x', eventType: 6, valueMetric: {name: 'n', value: 1, unit: 'u'}}
    assert.equal(
      renderFrameText(withUnknownField(encodeEnvelope(envelope)), 'text'),
      'origin:"x" eventType:ValueMetric valueMetric:<name:"n" value:1 unit:"u" >\n',
    )
  })

  it('accepts an envelope without its "required" fields and an event type it does not know', () => {
    assert.equal(renderFrameText(new Uint8Array(), 'json'), '{}\n')
    assert.equal(renderFrameText(encodeEnvelope({eventType: 77}), 'json'), '{"eventType":77}\n')
  })

  it('reports garbage and every truncation of a valid frame instead of throwing', () => {
    const valid = Buffer.from(logEnvelope('a message long enough to cut in many places'))
    let rejected = 0
    for (let length = 1; length < valid.length; length++) {
      const reason = scanner.scan(valid.subarray(0, length))
      if (reason === undefined) continue // a cut between two top-level fields is itself a valid envelope
      assert.equal(typeof reason, 'string')
      rejected++
    }

    assert.ok(rejected > valid.length / 2, `only ${rejected} truncations rejected`)
    assert.match(scanner.scan(Buffer.from([0x0a, 0xff, 0x01])) ?? '', /index out of range/)
    assert.notEqual(scanner.scan(Buffer.from([0x42, 0xff, 0xff, 0xff, 0xff, 0x0f])), undefined, 'a huge length prefix')
    assert.notEqual(
      scanner.scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])),
      undefined,
      'an 11-byte varint',
    )
    assert.match(scanner.scan(Buffer.from([0x0f])) ?? '', /invalid wire type 7/)
    assert.notEqual(scanner.scan(Buffer.from([0x00])), undefined, 'field number 0')
  })

  // What the differential fuzz test found cfws reading otherwise than protobufjs (and Go).
  describe('as protobufjs reads the same bytes', () => {
    const origin = Buffer.from([0x0a, 0x01, 0x78]) // origin:"x"

    it('refuses a group closed by another field’s end tag', () => {
      const mismatched = Buffer.concat([origin, Buffer.from([0xa3, 0x01, 0xac, 0x01])]) // start group 20, end group 21
      assert.match(scanner.scan(mismatched) ?? '', /invalid end group tag/)
      assert.equal(referenceJson(mismatched), undefined)
      const matched = Buffer.concat([origin, Buffer.from([0xa3, 0x01, 0xa4, 0x01])])
      assert.equal(renderFrameText(matched, 'json'), '{"origin":"x"}\n')
    })

    it('merges a message field met twice instead of keeping the last', () => {
      const twice = Buffer.concat([
        encodeEnvelope({valueMetric: {name: 'n', unit: 'u'}}),
        encodeEnvelope({valueMetric: {value: 2}}),
      ])
      assert.equal(renderFrameText(twice, 'json'), '{"valueMetric":{"name":"n","value":2,"unit":"u"}}\n')
      assert.deepEqual(referenceJson(twice), {valueMetric: {name: 'n', value: 2, unit: 'u'}})
    })

    it('refuses a tag longer than five bytes', () => {
      const overlong = Buffer.from([0x8a, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01, 0x78]) // field 1, length-delimited, in six bytes
      assert.match(scanner.scan(overlong) ?? '', /invalid tag encoding/)
      assert.equal(referenceJson(overlong), undefined)
    })
  })

  it('stops deep nesting of groups with a failure, not a stack overflow', () => {
    const nested = (levels: number): Buffer => Buffer.concat([Buffer.alloc(levels, 0x7b), Buffer.alloc(levels, 0x7c)]) // field 15 start/end group
    assert.notEqual(scanner.scan(nested(100_000)), undefined)
    assert.equal(scanner.scan(nested(10)), undefined, 'shallow groups are skipped like any unknown field')
  })

  it('keeps no field of the previous frame', () => {
    assert.equal(
      renderFrameText(
        encodeEnvelope({origin: 'a', tags: new Map([['k', 'v']]), httpStartStop: {forwarded: ['x']}}),
        'text',
      ),
      'origin:"a" tags:<key:"k" value:"v" > httpStartStop:<forwarded:"x" >\n',
    )
    assert.equal(renderFrameText(encodeEnvelope({ip: 'b', httpStartStop: {}}), 'text'), 'ip:"b" httpStartStop:<>\n')
  })

  it('writes hundreds of tags in order without going quadratic', () => {
    const tags = new Map(Array.from({length: 300}, (_, i) => [`k${String(299 - i).padStart(3, '0')}`, String(i)]))
    tags.set('k150', 'last value wins')
    const line = renderFrameText(encodeEnvelope({tags}), 'text')
    assert.equal(line.split('tags:<').length - 1, 300)
    assert.ok(line.startsWith('tags:<key:"k000" value:"299" > tags:<key:"k001" value:"298" >'))
    assert.ok(line.includes('tags:<key:"k150" value:"last value wins" >'))
  })
})
