import {strict as assert} from 'node:assert'

import {decodeEnvelope, decodeLogMessage} from '../../../src/envelope/decode.js'
import type {Envelope} from '../../../src/envelope/types.js'
import {encodeEnvelope, logEnvelope, T0} from '../../helpers/envelopes.js'

function decodeOk(bytes: Uint8Array): Envelope {
  const result = decodeEnvelope(bytes)
  assert.ok(result.ok, result.ok ? '' : result.reason)
  return result.envelope
}

const BIG = 18_446_744_073_709_551_615n // 2^64 - 1: far above 2^53

describe('decodeEnvelope', () => {
  it('reads a LogMessage with its header fields and tags', () => {
    const envelope = decodeOk(logEnvelope('hello', {messageType: 2}))
    assert.equal(envelope.origin, 'rep')
    assert.equal(envelope.eventType, 5)
    assert.equal(envelope.timestamp, T0)
    assert.deepEqual([...envelope.tags!], [['source_id', '6d4f2e4a-1c2b-4e5f-9a8b-7c6d5e4f3a2b']])
    assert.equal(Buffer.from(envelope.logMessage!.message!).toString(), 'hello')
    assert.equal(envelope.logMessage!.messageType, 2)
    assert.equal(envelope.logMessage!.sourceType, 'APP/PROC/WEB')
  })

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
      containerMetric: {applicationId: 'guid', instanceIndex: 3, cpuPercentage: 12.5, memoryBytes: BIG, diskBytes: 1n, memoryBytesQuota: 2n, diskBytesQuota: 0n},
      deployment: '',
      job: 'router',
      index: 'z1',
      ip: '',
      tags: new Map([['a', '1'], ['', '']]),
    }
    assert.deepEqual(decodeOk(encodeEnvelope(envelope)), envelope)
  })

  it('decodes only the LogMessage when asked to, the same as the full decode', () => {
    const frame = logEnvelope('only this', {messageType: 2})
    const result = decodeLogMessage(frame)
    assert.ok(result.ok)
    assert.deepEqual(result.envelope, {logMessage: decodeOk(frame).logMessage})
    assert.equal(decodeLogMessage(Buffer.from([0x42, 0x05, 0x0a])).ok, false, 'a truncated LogMessage is reported')
  })

  it('skips fields it does not know', () => {
    const envelope = decodeOk(encodeEnvelope({origin: 'x', eventType: 6, valueMetric: {name: 'n', value: 1, unit: 'u'}}, {unknownField: true}))
    assert.deepEqual(envelope, {origin: 'x', eventType: 6, valueMetric: {name: 'n', value: 1, unit: 'u'}})
  })

  it('accepts an envelope without its "required" fields and an event type it does not know', () => {
    assert.deepEqual(decodeOk(new Uint8Array()), {})
    assert.deepEqual(decodeOk(encodeEnvelope({eventType: 77})), {eventType: 77})
  })

  it('reports garbage and every truncation of a valid frame instead of throwing', () => {
    const valid = logEnvelope('a message long enough to cut in many places')
    for (let length = 1; length < valid.length; length++) {
      const result = decodeEnvelope(valid.subarray(0, length))
      if (result.ok) continue // a cut between two top-level fields is itself a valid envelope
      assert.equal(typeof result.reason, 'string')
    }

    assert.equal(decodeEnvelope(Buffer.from([0x0a, 0xff, 0x01])).ok, false)
    assert.equal(decodeEnvelope(Buffer.from([0x42, 0xff, 0xff, 0xff, 0xff, 0x0f])).ok, false, 'a huge length prefix')
    assert.equal(decodeEnvelope(Buffer.from([0x07])).ok, false, 'wire type 7')
    assert.equal(decodeEnvelope(Buffer.from([0x00])).ok, false, 'field number 0')
  })

  it('stops deep nesting of groups with a failure, not a stack overflow', () => {
    const depth = 100_000
    const nested = (levels: number): Buffer => Buffer.concat([Buffer.alloc(levels, 0x7b), Buffer.alloc(levels, 0x7c)]) // field 15 start/end group
    assert.equal(decodeEnvelope(nested(depth)).ok, false)
    assert.equal(decodeEnvelope(nested(10)).ok, true, 'shallow groups are skipped like any unknown field')
  })
})
