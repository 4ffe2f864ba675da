import {strict as assert} from 'node:assert'

import {type Block, BlockCache} from '../../../src/render/block-cache.js'
import {ByteSink} from '../../../src/render/byte-sink.js'
import {SourceWords} from '../../../src/render/source-words.js'
import {encodeEnvelope} from '../../../src/envelope/encode.js'
import {renderFrameText} from '../../helpers/render-frame.js'

describe('BlockCache', () => {
  // Renders a block as its bytes in brackets, and counts how often it had to.
  function counting(): {cache: BlockCache<Block>; renders: () => number} {
    let renders = 0
    const cache = new BlockCache<Block>((out, source, _read) => {
      renders++
      out.reserve(source.length + 2)
      out.byte(0x5b)
      for (const byte of source) out.byte(byte)
      out.byte(0x5d)
    })
    return {cache, renders: () => renders}
  }

  function written(cache: BlockCache<Block>, block: Buffer): string {
    const out = new ByteSink()
    cache.write(out, block, {blockStart: 0, blockEnd: block.length})
    return out.buf.toString('latin1', 0, out.pos)
  }

  it('writes a block that came before from memory, and tells blocks apart by every byte', () => {
    const {cache, renders} = counting()
    const block = Buffer.from('tags:instance_id=0;source_id=6d4f2e4a-1c2b-4e5f')
    assert.equal(written(cache, block), `[${block.toString('latin1')}]`)
    assert.equal(written(cache, Buffer.from(block)), `[${block.toString('latin1')}]`)
    assert.equal(renders(), 1)
    for (let at = 0; at < block.length; at++) {
      const other = Buffer.from(block)
      other[at] ^= 1
      assert.equal(written(cache, other), `[${other.toString('latin1')}]`, `byte ${at}`)
    }
  })

  it('checks a block byte for byte, not by its hash alone', () => {
    const {cache, renders} = counting()
    // Two blocks of one length whose hashes are equal (found by search).
    const [first, second] = [Buffer.from('block-28y0x'), Buffer.from('block-3021b')]
    const words = new SourceWords()
    assert.equal(words.hashOf(first, 0, first.length), words.hashOf(second, 0, second.length))
    assert.equal(written(cache, first), '[block-28y0x]')
    assert.equal(written(cache, second), '[block-3021b]')
    assert.equal(renders(), 2)
  })

  it('rests when blocks do not recur, and renders every block meanwhile', () => {
    const {cache, renders} = counting()
    for (let i = 0; i < 4096; i++) written(cache, Buffer.from(`unique block ${i}`))
    const again = Buffer.from('a block seen twice')
    written(cache, again)
    written(cache, again)
    assert.equal(renders(), 4098)
  })
})

describe('firehose tags from the block cache', () => {
  it('writes each envelope its own tags when envelopes alternate between sources', () => {
    const envelope = (instance: string): Uint8Array =>
      encodeEnvelope({
        origin: 'rep',
        tags: new Map([
          ['source_id', 'app-guid'],
          ['instance_id', instance],
        ]),
      })
    const line = (instance: string): string =>
      `origin:"rep" tags:<key:"instance_id" value:"${instance}" > tags:<key:"source_id" value:"app-guid" >\n`
    for (const instance of ['0', '1', '0', '2', '1', '0'])
      assert.equal(renderFrameText(envelope(instance), 'text'), line(instance))
  })
})
