import {strict as assert} from 'node:assert'

import {encodeEnvelope} from '../../../src/envelope/encode.js'
import {FrameScanner, type Tags} from '../../../src/envelope/scan.js'
import {ENVELOPE_FIELDS, fieldIndex} from '../../../src/envelope/schema.js'
import {TagOrder} from '../../../src/render/field-layout.js'

const TAGS = fieldIndex(ENVELOPE_FIELDS, 'tags')

/** The tags of an envelope as the scanner reads them; each call has a scanner of its own. */
function scannedTags(keys: string[]): Tags {
  const scanner = new FrameScanner(ENVELOPE_FIELDS)
  assert.equal(scanner.scan(encodeEnvelope({origin: 'o', tags: new Map(keys.map((key) => [key, 'v']))})), undefined)
  return scanner.envelope.tags(TAGS)
}

function keysIn(tags: Tags, order: Int32Array): string[] {
  return [...order.subarray(0, tags.count)].map((entry) =>
    tags.keyBufs[entry].toString('utf8', tags.keyStarts[entry], tags.keyEnds[entry]),
  )
}

describe('TagOrder', () => {
  it('sorts by key for text, and puts array-index keys first for JSON', () => {
    const tags = scannedTags(['job', '10', 'az', '2'])
    assert.deepEqual(keysIn(tags, new TagOrder('sorted').of(tags)), ['10', '2', 'az', 'job'])
    assert.deepEqual(keysIn(tags, new TagOrder('object').of(tags)), ['2', '10', 'job', 'az'])
  })

  it('keeps one renderer’s order while another renderer orders other tags', () => {
    const first = scannedTags(['b', 'a', 'c'])
    const text = new TagOrder('sorted')
    const order = text.of(first)
    new TagOrder('object').of(scannedTags(['z', 'y', 'x', 'w']))
    assert.deepEqual(keysIn(first, order), ['a', 'b', 'c'])
  })

  it('grows past 16 tags and sorts them all', () => {
    const keys = Array.from({length: 40}, (_, i) => `k${String(39 - i).padStart(2, '0')}`)
    const tags = scannedTags(keys)
    assert.deepEqual(keysIn(tags, new TagOrder('sorted').of(tags)), [...keys].sort())
  })
})
