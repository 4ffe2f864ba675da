import {strict as assert} from 'node:assert'

import {Literal} from '../../../src/render/literal.js'
import {SourceWords} from '../../../src/render/source-words.js'

describe('SourceWords', () => {
  it('matches a literal against source bytes of any length, every byte counting', () => {
    const words = new SourceWords()
    const memory = Buffer.from('..abcdefghijk..')
    for (let length = 0; length <= 11; length++) {
      const constant = new Literal(memory.subarray(2, 2 + length))
      assert.ok(words.matches(constant, memory, 2, 2 + length), `length ${length}`)
      assert.ok(!words.matches(constant, memory, 2, 3 + length), `length ${length} against one more byte`)
      for (let at = 0; at < length; at++) {
        const other = Buffer.from(memory)
        other[2 + at] ^= 0x20
        assert.ok(!words.matches(constant, other, 2, 2 + length), `length ${length}, byte ${at}`)
      }
    }
  })

  it('reads each source at its own offset, in its own memory, as sources change', () => {
    const words = new SourceWords()
    const memory = Buffer.from('xxxxabcdefgh')
    const first = memory.subarray(4)
    const shifted = memory.subarray(3, 11)
    const elsewhere = Buffer.from('abcdefgh')
    const hash = words.hashOf(first, 0, 8)
    assert.notEqual(words.hashOf(shifted, 0, 8), hash, 'the same memory at another offset')
    assert.equal(words.hashOf(elsewhere, 0, 8), hash, 'the same bytes in other memory')
    assert.equal(words.hashOf(first, 0, 8), hash, 'the first source again')
    assert.ok(words.matches(new Literal('abcdefgh'), elsewhere, 0, 8))
  })
})
