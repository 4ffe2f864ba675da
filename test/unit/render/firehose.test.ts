import {strict as assert} from 'node:assert'

import {parseEventTypeFilter, serverFilterFor} from '../../../src/envelope/filter.js'
import {formatDouble} from '../../../src/render/envelope-text.js'
import {ByteSink} from '../../../src/render/byte-sink.js'
import {createFirehoseRenderer} from '../../../src/render/firehose.js'
import {encodeEnvelope} from '../../../src/envelope/encode.js'
import type {Envelope} from '../../../src/envelope/model.js'
import {SAMPLE_ENVELOPES} from '../../helpers/firehose-envelopes.js'
import {renderFrameText} from '../../helpers/render-frame.js'

const renderEnvelopeText = (envelope: Envelope): string => renderFrameText(encodeEnvelope(envelope), 'text')
const renderEnvelopeJson = (envelope: Envelope): string => renderFrameText(encodeEnvelope(envelope), 'json')

const HEAD = 'timestamp:1764000000000000000 deployment:"cf" job:"diego-cell" index:"0" ip:"10.0.16.5"'

describe('firehose text (cf nozzle) format', () => {
  const expected: Record<string, string> = {
    LogMessage: `origin:"rep" eventType:LogMessage ${HEAD} tags:<key:"source_id" value:"app-guid" > logMessage:<message:"say \\"hi\\"\\n\\tcaf\\303\\251 \\\\ done" message_type:ERR timestamp:1764000000123456789 app_id:"app-guid" source_type:"APP/PROC/WEB" source_instance:"0" >`,
    ValueMetric: `origin:"rep" eventType:ValueMetric ${HEAD} valueMetric:<name:"CapacityTotalMemory" value:16000 unit:"MiB" >`,
    CounterEvent: `origin:"rep" eventType:CounterEvent ${HEAD} counterEvent:<name:"dropped" delta:9007199254740993 total:18446744073709551615 >`,
    ContainerMetric: `origin:"rep" eventType:ContainerMetric ${HEAD} containerMetric:<applicationId:"app-guid" instanceIndex:-1 cpuPercentage:0.5 memoryBytes:9007199254740993 diskBytes:0 memoryBytesQuota:1073741824 diskBytesQuota:2147483648 >`,
    HttpStartStop: `origin:"gorouter" eventType:HttpStartStop ${HEAD} httpStartStop:<startTimestamp:1764000000000000001 stopTimestamp:1764000000500000001 requestId:<low:8233649222289816308 high:8778856742958032805 > peerType:Client method:POST uri:"https://myapp.example.com/api" remoteAddress:"10.0.0.1:51234" userAgent:"curl/8.5.0" statusCode:201 contentLength:42 instanceIndex:0 instanceId:"" forwarded:"203.0.113.7" >`,
    Error: `origin:"rep" eventType:Error ${HEAD} error:<source:"doppler" code:-5 message:"slow consumer" >`,
  }
  for (const [type, line] of Object.entries(expected)) {
    it(`writes a ${type} on one line`, () => {
      assert.equal(renderEnvelopeText(SAMPLE_ENVELOPES[type]), line + '\n')
    })
  }

  it('prints an unknown enum value as its number and sorts tags by key', () => {
    assert.equal(
      renderEnvelopeText({
        origin: 'x',
        eventType: 42,
        tags: new Map([
          ['b', '2'],
          ['a', '1'],
        ]),
      }),
      'origin:"x" eventType:42 tags:<key:"a" value:"1" > tags:<key:"b" value:"2" >\n',
    )
  })

  it('quotes like Go’s text format, so no byte can break the line', () => {
    assert.equal(
      renderEnvelopeText({logMessage: {message: Buffer.from([0x00, 0x0d, 0x7f, 0xff])}, ip: 'plain ascii'}),
      'ip:"plain ascii" logMessage:<message:"\\000\\r\\177\\377" >\n',
    )
  })

  it('formats doubles as Go’s %v does', () => {
    const cases: Array<[number, string]> = [
      [16_000, '16000'],
      [0.5, '0.5'],
      [1.6e7, '1.6e+07'],
      [123_456, '123456'],
      [1_234_567, '1.234567e+06'],
      [0.0001, '0.0001'],
      [0.000_012_5, '1.25e-05'],
      [-0, '-0'],
      [Number.NaN, 'nan'],
      [-Infinity, '-inf'],
      [1e300, '1e+300'],
    ]
    for (const [value, text] of cases) assert.equal(formatDouble(value), text, String(value))
  })
})

describe('firehose JSON', () => {
  it('writes the whole envelope with exact 64-bit numbers, names by .proto, enums by name', () => {
    const line = renderEnvelopeJson(SAMPLE_ENVELOPES.CounterEvent)
    assert.equal(
      line,
      '{"origin":"rep","eventType":"CounterEvent","timestamp":1764000000000000000,"deployment":"cf","job":"diego-cell","index":"0","ip":"10.0.16.5","counterEvent":{"name":"dropped","delta":9007199254740993,"total":18446744073709551615}}\n',
    )
  })

  it('writes LogMessage bytes as UTF-8 text and UUIDs canonically', () => {
    const log = JSON.parse(renderEnvelopeJson(SAMPLE_ENVELOPES.LogMessage))
    assert.equal(log.logMessage.message, 'say "hi"\n\tcafé \\ done')
    assert.equal(log.logMessage.message_type, 'ERR')
    assert.deepEqual(log.tags, {source_id: 'app-guid'})
    const http = JSON.parse(renderEnvelopeJson(SAMPLE_ENVELOPES.HttpStartStop))
    assert.equal(http.httpStartStop.requestId, 'f47ac10b-58cc-4372-a567-0e02b2c3d479')
    assert.equal(http.httpStartStop.method, 'POST')
    assert.equal(http.httpStartStop.peerType, 'Client')
  })

  it('writes every sample as valid JSON', () => {
    for (const envelope of Object.values(SAMPLE_ENVELOPES)) JSON.parse(renderEnvelopeJson(envelope))
  })

  it('writes non-finite doubles as strings, as the proto JSON mapping does', () => {
    assert.equal(renderEnvelopeJson({valueMetric: {value: Number.NaN}}), '{"valueMetric":{"value":"NaN"}}\n')
  })

  it('turns UUID halves into 8-4-4-4-12', () => {
    const line = renderEnvelopeJson({
      httpStartStop: {
        requestId: {low: 0x7243cc580bc17af4n, high: 0x79d4c3b2020e67a5n},
        applicationId: {low: 0n, high: 2n ** 64n - 1n},
      },
    })
    assert.equal(
      line,
      '{"httpStartStop":{"requestId":"f47ac10b-58cc-4372-a567-0e02b2c3d479","applicationId":"00000000-0000-0000-ffff-ffffffffffff"}}\n',
    )
  })
})

describe('firehose renderer', () => {
  it('checks the sink after each envelope it writes, so a turn of many frames never makes it grow', () => {
    const out = new ByteSink()
    out.spillAtBytes = 100
    const taken: number[] = []
    out.onSpill = () => taken.push(out.take().length)
    const render = createFirehoseRenderer('text', new Set([6]))
    const frame = Buffer.from(encodeEnvelope(SAMPLE_ENVELOPES.ValueMetric))
    const line = renderEnvelopeText(SAMPLE_ENVELOPES.ValueMetric)
    for (let i = 0; i < 3; i++) render(frame, out)
    assert.deepEqual(taken, [line.length, line.length, line.length])
  })

  it('without a filter, writes an envelope of a type cfws does not know, or of none', () => {
    for (const [eventType, shown] of [
      [1, 'eventType:1 '], // Heartbeat, long gone from dropsonde's enum
      [99, 'eventType:99 '],
      [undefined, ''],
    ] as const) {
      const out = new ByteSink()
      const envelope = {origin: 'bosh-system-metrics', eventType, timestamp: 5n}
      createFirehoseRenderer('text', undefined)(Buffer.from(encodeEnvelope(envelope)), out)
      assert.equal(out.take().toString(), `origin:"bosh-system-metrics" ${shown}timestamp:5\n`)
    }
  })

  it('writes nothing, and so checks nothing, for an envelope of a type not asked for', () => {
    const out = new ByteSink()
    out.spillAtBytes = 0
    let spills = 0
    out.onSpill = () => spills++
    createFirehoseRenderer('text', new Set([5]))(Buffer.from(encodeEnvelope(SAMPLE_ENVELOPES.ValueMetric)), out)
    assert.deepEqual([out.pos, spills], [0, 0])
  })
})

describe('event type filter', () => {
  it('reads types case-insensitively, comma-separated or repeated', () => {
    assert.deepEqual([...(parseEventTypeFilter(['logmessage,ValueMetric', 'ERROR']) ?? [])], [5, 6, 8])
  })

  it('takes every envelope when none is given, and calls an empty --filter a usage error', () => {
    assert.equal(parseEventTypeFilter(undefined), undefined)
    for (const empty of [[''], [' , ']])
      assert.throws(() => parseEventTypeFilter(empty), {
        code: 'UNKNOWN_EVENT_TYPE',
        exitCode: 2,
        message: 'The --filter names no event type',
      })
  })

  it('calls an unknown type a usage error naming the valid ones', () => {
    assert.throws(() => parseEventTypeFilter(['Heartbeat']), {
      code: 'UNKNOWN_EVENT_TYPE',
      exitCode: 2,
      hint: /LogMessage, ValueMetric, CounterEvent/,
    })
  })

  it('asks the server for logs or metrics only when that is all that is wanted', () => {
    assert.equal(serverFilterFor(parseEventTypeFilter(['LogMessage'])), 'logs')
    assert.equal(serverFilterFor(parseEventTypeFilter(['ValueMetric,ContainerMetric'])), 'metrics')
    assert.equal(serverFilterFor(parseEventTypeFilter(['LogMessage,Error'])), undefined)
    assert.equal(serverFilterFor(parseEventTypeFilter(undefined)), undefined)
  })
})
