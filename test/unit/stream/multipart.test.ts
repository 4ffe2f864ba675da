import {strict as assert} from 'node:assert'

import {multipartBoundary, splitMultipart} from '../../../src/stream/multipart.js'

const parts = (body: string): string[] =>
  splitMultipart(Buffer.from(body, 'latin1'), 'b0und').map((part) => part.toString('latin1'))

describe('splitMultipart', () => {
  it('splits a CRLF body without part headers', () => {
    assert.deepEqual(parts('--b0und\r\n\r\none\r\n--b0und\r\n\r\ntwo\r\n--b0und--\r\n'), ['one', 'two'])
  })

  it('accepts LF line breaks and a preamble', () => {
    assert.deepEqual(parts('preamble text\n--b0und\n\none\n--b0und\n\ntwo\n--b0und--\n'), ['one', 'two'])
  })

  it('keeps an empty part as empty', () => {
    assert.deepEqual(parts('--b0und\r\n\r\n\r\n--b0und\r\n\r\ntwo\r\n--b0und--'), ['', 'two'])
  })

  it('keeps the parts of a body cut before its final boundary', () => {
    assert.deepEqual(parts('--b0und\r\n\r\none\r\n--b0und\r\n\r\ntwo'), ['one', 'two'])
  })

  it('skips part headers when a server sends them', () => {
    assert.deepEqual(parts('--b0und\r\nContent-Type: application/octet-stream\r\n\r\none\r\n--b0und--'), ['one'])
  })

  it('keeps binary bytes, CRLF inside a part included', () => {
    assert.deepEqual(parts('--b0und\r\n\r\n\u0000a\r\nb\u00ff\r\n--b0und--'), ['\u0000a\r\nb\u00ff'])
  })

  it('reads the boundary parameter, quoted or not', () => {
    assert.equal(multipartBoundary('multipart/x-protobuf; boundary=abc123'), 'abc123')
    assert.equal(multipartBoundary('multipart/x-protobuf; boundary="a b"'), 'a b')
    assert.equal(multipartBoundary('multipart/x-protobuf'), undefined)
  })
})
