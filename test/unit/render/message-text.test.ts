import {strict as assert} from 'node:assert'

import {repairUtf8} from '../../../src/render/message-text.js'

const decodedAgain = (bytes: Buffer): Buffer => Buffer.from(bytes.toString('utf8'))

// Each side of every range boundary a lead or continuation byte has.
const EDGES = [
  0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef,
  0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff,
]

describe('repairUtf8', () => {
  it('gives what decoding and encoding again give for every two bytes', () => {
    const bytes = Buffer.alloc(2)
    for (let pair = 0; pair < 0x1_00_00; pair++) {
      bytes.writeUInt16BE(pair)
      assert.deepEqual(repairUtf8(bytes, 2), decodedAgain(bytes), bytes.toString('hex'))
    }
  })

  it('gives what decoding and encoding again give for every four bytes from the boundaries', () => {
    const bytes = Buffer.alloc(4)
    for (const a of EDGES)
      for (const b of EDGES)
        for (const c of EDGES)
          for (const d of EDGES) {
            bytes[0] = a
            bytes[1] = b
            bytes[2] = c
            bytes[3] = d
            assert.deepEqual(repairUtf8(bytes, 4), decodedAgain(bytes), bytes.toString('hex'))
          }
  })

  it('reads only up to the end it is given', () => {
    const bytes = Buffer.from([0x61, 0xe2, 0x82, 0xac, 0xff])
    assert.deepEqual(repairUtf8(bytes, 3), Buffer.from('a\uFFFD'))
    assert.deepEqual(repairUtf8(bytes, 0), Buffer.alloc(0))
  })
})
