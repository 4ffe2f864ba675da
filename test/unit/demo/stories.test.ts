import {strict as assert} from 'node:assert'

import {WEB_APP, WORKER_APP} from '../../../src/demo/catalog.js'
import {platformMetricsStory} from '../../../src/demo/platform-metrics.js'
import {seededDice} from '../../../src/demo/seeded-random.js'
import type {Story} from '../../../src/demo/story.js'
import {webStory} from '../../../src/demo/web-app.js'
import {workerStory} from '../../../src/demo/worker-app.js'
import {encodeEnvelope} from '../../../src/envelope/encode.js'
import type {Envelope} from '../../../src/envelope/model.js'
import {renderFrameText} from '../../helpers/render-frame.js'

const T = 1_764_000_000_000_000_000n

/** The first `events` of a story, each event's envelopes with the time it was given. */
function play(story: Story, events: number): Array<{atMs: number; envelopes: Envelope[]}> {
  let atMs = 0
  return Array.from({length: events}, () => {
    const {value} = story.next()
    atMs += value.afterMs
    return {atMs, envelopes: value.envelopes(T)}
  })
}

const text = (envelope: Envelope) => Buffer.from(envelope.logMessage?.message ?? []).toString()

describe('the demo stories', () => {
  it('tell the same story for the same seed', () => {
    const first = play(webStory(seededDice(1)), 40)
    assert.deepEqual(play(webStory(seededDice(1)), 40), first)
    assert.notDeepEqual(play(webStory(seededDice(7)), 40), first)
  })

  it('give each web request the app line, the router line and an HttpStartStop, and one in 25 a stack trace first', () => {
    const requests = play(webStory(seededDice(1)), 53).slice(3)
    for (const {envelopes} of requests) {
      const sources = envelopes.map((envelope) => envelope.logMessage?.sourceType ?? envelope.eventType)
      assert.deepEqual(sources.slice(-3), ['APP/PROC/WEB', 'RTR', 4])
      assert.ok(envelopes.every((envelope) => envelope.tags?.get('source_id') === WEB_APP.guid))
    }

    const traces = requests.flatMap(({envelopes}) =>
      envelopes.filter((envelope) => envelope.logMessage?.messageType === 2),
    )
    assert.equal(traces.length, 2)
    assert.match(text(traces[0]), /^TypeError: .*\n {4}at \/home\/vcap\/app\/src\/cart\.js:42:31\n/)
    // The router's record, as the firehose prints it: the request's UUID and the app's GUID in their canonical form.
    const json = JSON.parse(renderFrameText(encodeEnvelope(requests[0].envelopes.at(-1)!), 'json')) as {
      httpStartStop: Record<string, unknown>
    }
    assert.equal(json.httpStartStop.applicationId, WEB_APP.guid)
    assert.match(
      String(json.httpStartStop.requestId),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    assert.equal(json.httpStartStop.peerType, 'Client')
  })

  it('crash the worker for lack of memory within 60 s of its start, and start it again', () => {
    const events = play(workerStory(seededDice(2)), 34)
    const lines = events.flatMap(({atMs, envelopes}) =>
      envelopes.map((envelope) => ({atMs, line: `${envelope.logMessage!.sourceType} ${text(envelope)}`})),
    )
    const crash = lines.find(({line}) => line === 'APP/PROC/WORKER Exit status 137 (out of memory)')!
    assert.ok(crash.atMs < 60_000, `the crash comes at ${crash.atMs} ms`)
    const after = lines.slice(lines.indexOf(crash)).map(({line}) => line)
    assert.ok(
      after.indexOf('API Process has crashed with type: "worker"') < after.indexOf('CELL Container became healthy'),
    )
    assert.equal(
      lines.filter(({line}) => line === 'APP/PROC/WORKER INFO worker: starting 4 threads on queue "jobs"').length,
      2,
    )
    assert.ok(lines.some(({line}) => line.startsWith('APP/PROC/WORKER Traceback (most recent call last):\n')))
  })

  it('send value metrics and counters from the platform, and container metrics for every app instance', () => {
    const envelopes = play(platformMetricsStory(seededDice(3)), 5).flatMap(({envelopes}) => envelopes)
    assert.deepEqual([...new Set(envelopes.map((envelope) => envelope.eventType))].sort(), [6, 7, 9])
    const containers = envelopes.filter((envelope) => envelope.containerMetric)
    assert.deepEqual(
      containers.map((envelope) => [envelope.containerMetric!.applicationId, envelope.containerMetric!.instanceIndex]),
      [
        [WEB_APP.guid, 0],
        [WEB_APP.guid, 1],
        [WORKER_APP.guid, 0],
      ],
    )
  })
})
