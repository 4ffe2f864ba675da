import {strict as assert} from 'node:assert'

import {LogMessageDecoder} from '../../../src/envelope/decode.js'
import {FrameScanner} from '../../../src/envelope/scan.js'
import {ENVELOPE_FIELDS} from '../../../src/envelope/schema.js'
import {ByteSink} from '../../../src/render/byte-sink.js'
import {EnvelopeJsonWriter} from '../../../src/render/envelope-json.js'
import {EnvelopeTextWriter} from '../../../src/render/envelope-text.js'
import {encodeEnvelope} from '../../../src/envelope/encode.js'
import {logEnvelope} from '../../helpers/envelopes.js'
import {SAMPLE_ENVELOPES} from '../../helpers/firehose-envelopes.js'

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const VALID = [logEnvelope('a valid line between the attacks'), ...Object.values(SAMPLE_ENVELOPES).map((e) => encodeEnvelope(e))]

function mutate(next: () => number, int: (n: number) => number): Uint8Array {
  const base = Buffer.from(VALID[int(VALID.length)])
  switch (int(6)) {
    case 0: { // bit flips
      for (let i = int(8) + 1; i > 0; i--) base[int(base.length)] ^= 1 << int(8)
      return base
    }

    case 1: return base.subarray(0, int(base.length)) // truncation
    case 2: { // a huge length prefix where a length goes
      const huge = Buffer.from([0x42, 0xff, 0xff, 0xff, 0xff, 0x0f])
      return Buffer.concat([base.subarray(0, int(base.length)), huge, base.subarray(int(base.length))])
    }

    case 3: { // deep nesting: start-group tags with or without their ends
      const depth = int(5000) + 1
      return Buffer.concat([Buffer.alloc(depth, 0x7b), Buffer.alloc(next() < 0.5 ? depth : int(depth), 0x7c)])
    }

    case 4: return Buffer.from(Array.from({length: int(400)}, () => int(256))) // noise
    default: { // splice two valid frames at random points
      const other = VALID[int(VALID.length)]
      return Buffer.concat([base.subarray(0, int(base.length)), other.subarray(int(other.length))])
    }
  }
}

describe('the frame scanner and renderers under attack', () => {
  it('survive 100,000 random and mutated frames: never a throw, valid frames around them still rendered', function () {
    this.timeout(60_000)
    const next = random(0xcf5)
    const int = (n: number): number => Math.floor(next() * n)
    const scanner = new FrameScanner(ENVELOPE_FIELDS)
    const out = new ByteSink()
    const text = new EnvelopeTextWriter()
    const json = new EnvelopeJsonWriter()
    const logs = new LogMessageDecoder()
    const validLine = (): string => {
      out.pos = 0
      assert.equal(scanner.scan(VALID[0]), undefined)
      text.write(out, scanner.envelope)
      return out.buf.toString('latin1', 0, out.pos)
    }

    const expected = validLine()
    const heapBefore = process.memoryUsage().heapUsed
    let failures = 0
    for (let i = 0; i < 100_000; i++) {
      const frame = mutate(next, int)
      try {
        out.pos = 0
        if (scanner.scan(frame) === undefined) {
          text.write(out, scanner.envelope)
          json.write(out, scanner.envelope)
        } else {
          failures++
        }

        logs.decode(frame)
      } catch (error) {
        assert.fail(`frame ${i} (${Buffer.from(frame).toString('hex').slice(0, 200)}) threw: ${String(error)}`)
      }

      assert.equal(validLine(), expected, `the valid frame after attack ${i}`)
    }

    assert.ok(failures > 10_000, `most mutations should be reported as failures, got ${failures}`)
    // Nothing is retained between frames: the heap does not grow with the number of frames.
    global.gc?.()
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024)
  })
})
