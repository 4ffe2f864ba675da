import {strict as assert} from 'node:assert'

import {operatorLine} from '../../../src/cli/notice.js'
import {describeClose, refusalCloseCode} from '../../../src/stream/close-reason.js'

describe('describeClose', () => {
  const cases: Array<[number, string, number | undefined, string]> = [
    [1006, '', undefined, 'dropped without a close frame (1006)'],
    [1000, '', undefined, 'the server ended the stream (1000)'],
    [1000, 'bye', undefined, 'closed by the server: normal closure (1000): bye'],
    [1005, '', undefined, 'closed by the server without a close code (1005)'],
    [1001, '', undefined, 'closed by the server: going away (1001)'],
    [1011, 'upstream failed', undefined, 'closed by the server: internal error (1011): upstream failed'],
    [1012, '', undefined, 'closed by the server: service restart (1012)'],
    [3001, '', undefined, 'closed by the server: close code 3001'],
    [1006, '', 1009, 'cfws refused a frame: message too big (1009)'],
  ]
  for (const [code, reason, refusedWith, words] of cases) {
    it(`says ${words}`, () => {
      assert.equal(describeClose(code, reason, refusedWith), words)
    })
  }

  it('passes the server’s reason on as sent, for the stderr line to escape its control characters', () => {
    const words = describeClose(1011, ' a\u001b[31mred\nline\u009b ')
    assert.equal(words, 'closed by the server: internal error (1011): a\u001b[31mred\nline\u009b')
    assert.equal(operatorLine(words), 'closed by the server: internal error (1011): a\\x1b[31mred\\nline\\u009b')
  })
})

describe('refusalCloseCode', () => {
  const cases: Array<[string, number]> = [
    ['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 1009],
    ['WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 1009],
    ['WS_ERR_INVALID_UTF8', 1007],
    ['WS_ERR_TOO_MANY_BUFFERED_PARTS', 1008],
    ['WS_ERR_INVALID_OPCODE', 1002],
    ['WS_ERR_UNEXPECTED_MASK', 1002],
  ]
  for (const [code, closeCode] of cases) {
    it(`reads ${code} as ${closeCode}`, () => {
      assert.equal(refusalCloseCode(Object.assign(new RangeError('refused'), {code})), closeCode)
    })
  }

  it('leaves failures of the socket alone (ECONNRESET is a drop, not a refusal)', () => {
    assert.equal(refusalCloseCode(Object.assign(new Error('read ECONNRESET'), {code: 'ECONNRESET'})), undefined)
  })
})
