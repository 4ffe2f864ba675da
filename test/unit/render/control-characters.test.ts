import {strict as assert} from 'node:assert'
import {createHash} from 'node:crypto'

import {operatorLine} from '../../../src/cli/notice.js'
import {ByteSink} from '../../../src/render/byte-sink.js'
import {createJsonLogRenderer, createTextLogRenderer} from '../../../src/render/log-message.js'
import {hideRenewedSecret, hideSecret} from '../../../src/trace.js'

const log = {timestamp: 1_763_977_607_129_999_999n, sourceType: 'APP/PROC/WEB', sourceInstance: '0', messageType: 1}
const HEADER = '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT '

// [class, the character, as text output and stderr write it, as JSON writes it]
const CLASSES: ReadonlyArray<[string, string, string, string]> = [
  ['NUL', '\u0000', '\\x00', '\\u0000'],
  ['BEL, which ends an OSC title', '\u0007', '\\a', '\\u0007'],
  ['backspace', '\b', '\\b', '\\b'],
  ['vertical tab', '\v', '\\v', '\\u000b'],
  ['form feed', '\f', '\\f', '\\f'],
  ['a carriage return mid-line', '\r', '\\r', '\\r'],
  ['ESC, which starts CSI and OSC', '\u001B', '\\x1b', '\\u001b'],
  ['unit separator', '\u001F', '\\x1f', '\\u001f'],
  ['DEL', '\u007F', '\\x7f', '\\u007f'],
  ['C1 NEL', '\u0085', '\\u0085', '\\u0085'],
  ['C1 CSI', '\u009B', '\\u009b', '\\u009b'],
  ['C1 APC, the last', '\u009F', '\\u009f', '\\u009f'],
  ['Arabic letter mark', '\u061C', '\\u061c', '\\u061c'],
  ['left-to-right mark', '\u200E', '\\u200e', '\\u200e'],
  ['right-to-left mark', '\u200F', '\\u200f', '\\u200f'],
  ['left-to-right embedding', '\u202A', '\\u202a', '\\u202a'],
  ['right-to-left override', '\u202E', '\\u202e', '\\u202e'],
  ['left-to-right isolate', '\u2066', '\\u2066', '\\u2066'],
  ['pop directional isolate', '\u2069', '\\u2069', '\\u2069'],
]

// Characters next to the escaped ranges that stay as they are.
const KEPT: ReadonlyArray<[string, string, string]> = [
  ['tab', '\t', '\\t'],
  ['a backslash', '\\x1b', '\\\\x1b'],
  ['no-break space, after C1', '\u00A0', '\u00A0'],
  ['zero-width joiner, before the marks', '\u200D', '\u200D'],
  ['narrow no-break space, after the overrides', '\u202F', '\u202F'],
  ['invisible plus, before the isolates', '\u2064', '\u2064'],
  ['é and an emoji', 'é😀', 'é😀'],
]

function render(json: boolean, message: string, rawEscapes = false): string {
  process.env.TZ = 'UTC'
  const out = new ByteSink()
  const renderLog = json ? createJsonLogRenderer('myapp') : createTextLogRenderer(undefined, {rawEscapes})
  renderLog({...log, message: Buffer.from(message)}, out)
  return out.take().toString('utf8')
}

const jsonLine = (message: string): string =>
  `{"timestamp":"2025-11-24T09:46:47.129999999Z","app":"myapp","source_type":"APP/PROC/WEB","source_instance":"0","message_type":"OUT","message":"${message}"}\n`

describe('control characters', () => {
  for (const [name, char, text, json] of CLASSES) {
    it(`escapes ${name} in text, JSON and on stderr`, () => {
      assert.equal(render(false, `a${char}b`), `${HEADER}a${text}b\n`)
      assert.equal(render(true, `a${char}b`), jsonLine(`a${json}b`))
      assert.equal(JSON.parse(render(true, `a${char}b`)).message, `a${char}b`)
      assert.equal(operatorLine(`a${char}b`), `a${text}b`)
      // In a long line of plain ASCII, where the scan goes four bytes at a time.
      const long = 'x'.repeat(70)
      assert.equal(render(false, `${long}${char}${long}`), `${HEADER}${long}${text}${long}\n`)
    })
  }

  for (const [name, char, json] of KEPT) {
    it(`keeps ${name} as it is`, () => {
      assert.equal(render(false, `a${char}b`), `${HEADER}a${char}b\n`)
      assert.equal(render(true, `a${char}b`), jsonLine(`a${json}b`))
    })
  }

  it('passes every byte with raw escapes', () => {
    const all = CLASSES.map(([, char]) => char).join('')
    assert.equal(render(false, all, true), `${HEADER}${all}\n`)
  })

  it('splits lines on inner line breaks and trims trailing ones, escaping a CR that ends no line', () => {
    assert.equal(
      render(false, 'ok\r\n\u001B]0;PWNED\u0007\rFAKE\r\n'),
      `${HEADER}ok\n${HEADER}\\x1b]0;PWNED\\a\\rFAKE\n`,
    )
  })

  it('escapes the source type and instance in the header', () => {
    process.env.TZ = 'UTC'
    const out = new ByteSink()
    createTextLogRenderer(undefined)(
      {...log, sourceType: 'APP\u001B[2J', sourceInstance: '0\n1', message: Buffer.from('m')},
      out,
    )
    assert.equal(out.take().toString('utf8'), '2025-11-24T09:46:47.12+0000 [APP\\x1b[2J/0\\n1] OUT m\n')
  })

  describe('on stderr', () => {
    it('makes a multi-line body with forged lines one line', () => {
      assert.equal(
        operatorLine('denied\ncfws: all good\r\nhint: run rm -rf'),
        'denied\\ncfws: all good\\r\\nhint: run rm -rf',
      )
    })

    it('hides a JWT and a known secret, before cutting, so no half of one shows', () => {
      const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl'
      assert.equal(operatorLine(`token ${jwt} echoed`), 'token [PRIVATE DATA HIDDEN] echoed')
      assert.equal(
        operatorLine('aaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbb.cccccccccccccccccccc'),
        '[PRIVATE DATA HIDDEN]',
      )
      hideSecret('s3cr3t-proxy-pass')
      assert.equal(operatorLine('proxy said s3cr3t-proxy-pass'), 'proxy said [PRIVATE DATA HIDDEN]')
      const line = operatorLine(`${'x'.repeat(490)}${jwt}`)
      assert.ok(!line.includes('eyJ'), line)
    })

    it('hides a JWT cut short, alone, without its dots or inside other text', () => {
      const header = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9'
      const payload = 'eyJ1c2VyX25hbWUiOiJhZG1pbiIsInNjb3BlIjpbImRvcHBsZXIuZmlyZWhvc2UiXX0'
      for (const [echoed, shown] of [
        [`close code 4001: ${header}.${payload.slice(0, 30)}`, 'close code 4001: [PRIVATE DATA HIDDEN]'],
        [`claims ${payload} here`, 'claims [PRIVATE DATA HIDDEN] here'],
        [`joined ${header}${payload}c2lnbmF0dXJl`, 'joined [PRIVATE DATA HIDDEN]'],
        [`t=bearer%20${header}.${payload}.c2ln&x=1`, 't=bearer%20[PRIVATE DATA HIDDEN]&x=1'],
      ])
        assert.equal(operatorLine(echoed), shown)
    })

    it('hides the start of a known secret that an answer cut short', () => {
      hideSecret('opaque-refresh-token-0123456789abcdef')
      assert.equal(operatorLine('{"body":"x opaque-refresh-token-0123'), '{"body":"x [PRIVATE DATA HIDDEN]')
      assert.equal(operatorLine('an opaque-refr word'), 'an opaque-refr word')
    })

    it("hides any piece of a known secret that is long enough: a JWT's signature, its tail", () => {
      const signature = 'F6lqh6cmlKwgmBFdguZsxHj_urMfCJxllQ7b1cT2eW9sVk3pZ8yR'
      const token = `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.${signature}`
      hideSecret(token)
      assert.equal(
        operatorLine(`upstream said: IjoidXNlci00MiJ9.${signature.slice(0, 40)} (502)`),
        'upstream said: IjoidXNlci00MiJ9[PRIVATE DATA HIDDEN] (502)',
      )
      assert.equal(operatorLine(`tail ${signature.slice(-20)}`), 'tail [PRIVATE DATA HIDDEN]')
      assert.equal(operatorLine(`short ${signature.slice(5, 16)} stays`), `short ${signature.slice(5, 16)} stays`)
    })

    it('keeps hiding the newest tokens and the lasting secrets, and forgets tokens refreshed long ago', () => {
      hideSecret('lasting-proxy-password')
      const token = (n: number): string => createHash('sha256').update(`token ${n}`).digest('base64url')
      for (let n = 0; n < 60; n++) hideRenewedSecret(token(n))
      assert.equal(operatorLine(`said ${token(59)}`), 'said [PRIVATE DATA HIDDEN]')
      assert.equal(operatorLine(`said ${token(12)}`), 'said [PRIVATE DATA HIDDEN]')
      assert.equal(operatorLine(`said ${token(11)}`), `said ${token(11)}`)
      assert.equal(operatorLine('said lasting-proxy-password'), 'said [PRIVATE DATA HIDDEN]')
    })

    it('keeps host names, which have dots but are no JWT', () => {
      assert.equal(operatorLine('wss://doppler.sys.example.com:443'), 'wss://doppler.sys.example.com:443')
    })

    it('cuts a long body to 500 characters and says how much was left out', () => {
      assert.equal(operatorLine('y'.repeat(1200)), `${'y'.repeat(500)}… (700 more characters)`)
    })
  })
})
