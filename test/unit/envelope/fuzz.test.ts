import {strict as assert} from 'node:assert'

import {LogMessageDecoder} from '../../../src/envelope/decode.js'
import {FrameScanner} from '../../../src/envelope/scan.js'
import {ENVELOPE_FIELDS, type Field, Kind} from '../../../src/envelope/schema.js'
import {ByteSink} from '../../../src/render/byte-sink.js'
import {EnvelopeJsonWriter} from '../../../src/render/envelope-json.js'
import {EnvelopeTextWriter} from '../../../src/render/envelope-text.js'
import {encodeEnvelope} from '../../../src/envelope/encode.js'
import {logEnvelope} from '../../helpers/envelopes.js'
import {referenceJson} from '../../helpers/reference-decode.js'
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

const VALID = [
  logEnvelope('a valid line between the attacks'),
  ...Object.values(SAMPLE_ENVELOPES).map((e) => encodeEnvelope(e)),
]

function mutate(next: () => number, int: (n: number) => number): Uint8Array {
  const base = Buffer.from(VALID[int(VALID.length)])
  switch (int(6)) {
    case 0: {
      // bit flips
      for (let i = int(8) + 1; i > 0; i--) base[int(base.length)] ^= 1 << int(8)
      return base
    }

    case 1:
      return base.subarray(0, int(base.length)) // truncation
    case 2: {
      // a huge length prefix where a length goes
      const huge = Buffer.from([0x42, 0xff, 0xff, 0xff, 0xff, 0x0f])
      return Buffer.concat([base.subarray(0, int(base.length)), huge, base.subarray(int(base.length))])
    }

    case 3: {
      // deep nesting: start-group tags with or without their ends
      const depth = int(5000) + 1
      return Buffer.concat([Buffer.alloc(depth, 0x7b), Buffer.alloc(next() < 0.5 ? depth : int(depth), 0x7c)])
    }

    case 4:
      return Buffer.from(Array.from({length: int(400)}, () => int(256))) // noise
    default: {
      // splice two valid frames at random points
      const other = VALID[int(VALID.length)]
      return Buffer.concat([base.subarray(0, int(base.length)), other.subarray(int(other.length))])
    }
  }
}

type Decoded = Record<string, unknown>

/**
 * Leaves out of both sides an enum field whose last value the `.proto` does not name: cfws, as
 * Go's decoder, keeps the last value and prints its number; protobufjs drops an unnamed value
 * (proto2 closed enums), keeping an earlier named one if there was one.
 */
function withoutUnnamedEnums(fields: readonly Field[], ours: Decoded, reference: Decoded): void {
  for (const field of fields) {
    const value = ours[field.name]
    if (field.enumNames && typeof value === 'number') {
      delete ours[field.name]
      delete reference[field.name]
    } else if (field.kind === Kind.Message && value !== undefined && reference[field.name] !== undefined) {
      withoutUnnamedEnums(field.fields!, value as Decoded, reference[field.name] as Decoded)
    }
  }
}

describe('the frame scanner and renderers under attack', () => {
  it('survive 100,000 random and mutated frames: never a throw, what they read is what protobufjs reads, valid frames around them still rendered', function () {
    this.timeout(60_000)
    const next = random(0xcf5)
    const int = (n: number): number => Math.floor(next() * n)
    const scanner = new FrameScanner(ENVELOPE_FIELDS)
    const out = new ByteSink()
    const text = new EnvelopeTextWriter()
    const json = new EnvelopeJsonWriter()
    const logs = new LogMessageDecoder()
    const exact = new EnvelopeJsonWriter(true)
    const exactOut = new ByteSink()
    let compared = 0
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
        const reason = scanner.scan(frame)
        const reference = referenceJson(frame)
        assert.equal(
          reason === undefined,
          reference !== undefined,
          `frame ${i} (${Buffer.from(frame).toString('hex').slice(0, 200)}): cfws ${reason ?? 'reads it'}, protobufjs ${reference ? 'reads it' : 'refuses it'}`,
        )
        if (reason === undefined) {
          text.write(out, scanner.envelope)
          json.write(out, scanner.envelope)
          exactOut.pos = 0
          exact.write(exactOut, scanner.envelope)
          const ours = JSON.parse(exactOut.buf.toString('utf8', 0, exactOut.pos)) as Decoded
          withoutUnnamedEnums(ENVELOPE_FIELDS, ours, reference as Decoded)
          assert.equal(
            JSON.stringify(ours),
            JSON.stringify(reference),
            `frame ${i} (${Buffer.from(frame).toString('hex').slice(0, 200)}) reads otherwise than protobufjs`,
          )
          compared++
        } else {
          failures++
        }

        logs.decode(frame)
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error
        assert.fail(`frame ${i} (${Buffer.from(frame).toString('hex').slice(0, 200)}) threw: ${String(error)}`)
      }

      assert.equal(validLine(), expected, `the valid frame after attack ${i}`)
    }

    assert.ok(failures > 10_000, `most mutations should be reported as failures, got ${failures}`)
    assert.ok(compared > 10_000, `many mutated frames should still read, and be compared, got ${compared}`)
    // Nothing is retained between frames: the heap does not grow with the number of frames.
    global.gc?.()
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024)
  })
})
