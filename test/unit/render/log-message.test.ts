import {strict as assert} from 'node:assert'

import {Chalk} from 'chalk'

import type {LogMessage} from '../../../src/envelope/types.js'
import {ByteSink} from '../../../src/render/byte-sink.js'
import {chooseColorLevel, instanceColor, loadChalk} from '../../../src/render/color.js'
import {createJsonLogRenderer, createTextLogRenderer, type LogRenderer} from '../../../src/render/log-message.js'
import {LocalTimestamp, UtcTimestamp} from '../../../src/render/timestamp.js'

const log = {timestamp: 1_763_977_607_129_999_999n, sourceType: 'APP/PROC/WEB', sourceInstance: '0', messageType: 1}

function rendered(render: LogRenderer, message: LogMessage): string {
  const out = new ByteSink()
  render(message, out)
  return out.take().toString('utf8')
}

function localTime(nanoseconds: bigint): string {
  const out = new ByteSink()
  const clock = new LocalTimestamp()
  clock.moveTo(nanoseconds)
  clock.write(out)
  return out.take().toString('latin1')
}

function utcTime(nanoseconds: bigint): string {
  const out = new ByteSink()
  new UtcTimestamp().write(out, nanoseconds)
  return out.take().toString('latin1')
}

describe('log rendering', () => {
  const savedTz = process.env.TZ
  afterEach(() => {
    process.env.TZ = savedTz
  })

  it('formats the local time with hundredths truncated and a ±HHMM zone', () => {
    process.env.TZ = 'America/St_Johns'
    assert.equal(localTime(log.timestamp), '2025-11-24T06:16:47.12-0330')
    process.env.TZ = 'UTC'
    assert.equal(localTime(-1n), '1969-12-31T23:59:59.99+0000')
  })

  it('writes each --timestamps style, TZ ruling default and short, and none leaving the line to start with the source', () => {
    process.env.TZ = 'America/St_Johns'
    const styles = {
      default: '2025-11-24T06:16:47.12-0330 [',
      utc: '2025-11-24T09:46:47.12Z [',
      short: '06:16:47.12 [',
      none: '[',
    } as const
    for (const [style, start] of Object.entries(styles)) {
      const render = createTextLogRenderer(undefined, {timestamps: style as keyof typeof styles})
      assert.equal(
        rendered(render, {...log, message: Buffer.from('a\nb')}),
        `${start}APP/PROC/WEB/0] OUT a\n${start}APP/PROC/WEB/0] OUT b\n`,
      )
    }

    const short = createTextLogRenderer(undefined, {timestamps: 'short'})
    assert.equal(
      rendered(short, {...log, timestamp: log.timestamp + 1_000_000_000n, message: Buffer.from('x')}),
      '06:16:48.12 [APP/PROC/WEB/0] OUT x\n',
    )
  })

  it('keeps the second it formatted with the renderer: one made after TZ changed writes the new zone for the same second', () => {
    process.env.TZ = 'America/St_Johns'
    const before = createTextLogRenderer(undefined, {timestamps: 'default'})
    assert.equal(
      rendered(before, {...log, message: Buffer.from('x')}),
      '2025-11-24T06:16:47.12-0330 [APP/PROC/WEB/0] OUT x\n',
    )
    process.env.TZ = 'Asia/Kolkata'
    const after = createTextLogRenderer(undefined, {timestamps: 'default'})
    assert.equal(
      rendered(after, {...log, message: Buffer.from('y')}),
      '2025-11-24T15:16:47.12+0530 [APP/PROC/WEB/0] OUT y\n',
    )
  })

  it('formats RFC 3339 UTC with nine fraction digits', () => {
    assert.equal(utcTime(log.timestamp), '2025-11-24T09:46:47.129999999Z')
    assert.equal(utcTime(0n), '1970-01-01T00:00:00.000000000Z')
    assert.equal(utcTime(-1n), '1969-12-31T23:59:59.999999999Z')
  })

  it('writes the second again only for a time outside the one it holds', () => {
    process.env.TZ = 'UTC'
    const out = new ByteSink()
    const clock = new LocalTimestamp()
    for (const nanoseconds of [1_999_999_999n, 1_000_000_000n, 2_000_000_000n, 999_999_999n]) {
      clock.moveTo(nanoseconds)
      clock.write(out)
      out.byte(0x20)
    }

    assert.equal(
      out.take().toString('latin1'),
      '1970-01-01T00:00:01.99+0000 1970-01-01T00:00:01.00+0000 1970-01-01T00:00:02.00+0000 1970-01-01T00:00:00.99+0000 ',
    )
  })

  it('writes one line per message line, each with the full header, without colour for plain output', () => {
    process.env.TZ = 'UTC'
    const render = createTextLogRenderer(undefined)
    const message = Buffer.from('Error: boom\r\n    at main\r\n\n')
    assert.equal(
      rendered(render, {...log, messageType: 2, message}),
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] ERR Error: boom\n2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] ERR     at main\n',
    )
  })

  it('turns invalid UTF-8 into U+FFFD', () => {
    process.env.TZ = 'UTC'
    const render = createTextLogRenderer(undefined)
    assert.equal(
      rendered(render, {...log, message: Buffer.from([0x61, 0xff, 0x62])}),
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT a\uFFFDb\n',
    )
  })

  it('colours ERR lines red and the source per instance on a colour terminal', () => {
    process.env.TZ = 'UTC'
    const chalk = new Chalk({level: 1})
    const render = createTextLogRenderer(chalk)
    // APP/PROC/WEB/0 is bright green in 16 colours (README "Colours").
    const source = '\u001B[92mAPP/PROC/WEB/0\u001B[39m'
    assert.equal(
      rendered(render, {...log, message: Buffer.from('ok')}),
      `2025-11-24T09:46:47.12+0000 [${source}] OUT ok\n`,
    )
    // The app's closing code is escaped, so the line stays red to its end.
    assert.equal(
      rendered(render, {...log, messageType: 2, message: Buffer.from('bad\u001B[39m!')}),
      `\u001B[31m2025-11-24T09:46:47.12+0000 [${source}\u001B[31m] ERR bad\\x1b[39m!\u001B[39m\n`,
    )
    // With raw escapes, chalk reopens red after each closing code within the line, the source's own included.
    const raw = createTextLogRenderer(chalk, {rawEscapes: true})
    assert.equal(
      rendered(raw, {...log, messageType: 2, message: Buffer.from('bad\u001B[39m!')}),
      `\u001B[31m2025-11-24T09:46:47.12+0000 [${source}\u001B[31m] ERR bad\u001B[39m\u001B[31m!\u001B[39m\n`,
    )
  })

  it('shows every match of --highlight in reverse video, on every line, ERR lines staying red, and only with colour', () => {
    process.env.TZ = 'UTC'
    const chalk = new Chalk({level: 1})
    // APP/PROC/WEB/0 is bright green in 16 colours (README "Colours").
    const source = '\u001B[92mAPP/PROC/WEB/0\u001B[39m'
    const render = createTextLogRenderer(chalk, {highlight: /t[io]me?/})
    assert.equal(
      rendered(render, {...log, message: Buffer.from('a tim\u00e9out \u001B time\ntom go')}),
      `2025-11-24T09:46:47.12+0000 [${source}] OUT a \u001B[7mtim\u001B[27m\u00e9out \\x1b \u001B[7mtime\u001B[27m\n` +
        `2025-11-24T09:46:47.12+0000 [${source}] OUT \u001B[7mtom\u001B[27m go\n`,
    )
    assert.equal(
      rendered(render, {...log, messageType: 2, message: Buffer.from('it timed out')}),
      `\u001B[31m2025-11-24T09:46:47.12+0000 [${source}\u001B[31m] ERR it \u001B[7mtime\u001B[27md out\u001B[39m\n`,
    )
    // A match of half an emoji's UTF-16 pair (no u flag) takes the whole character, never half its bytes.
    assert.equal(
      rendered(createTextLogRenderer(chalk, {highlight: /\W/}), {...log, message: Buffer.from('\u{1F600} x\uDE00')}),
      `2025-11-24T09:46:47.12+0000 [${source}] OUT \u001B[7m\u{1F600}\u001B[27m\u001B[7m \u001B[27mx\u001B[7m\uFFFD\u001B[27m\n`,
    )
    // An empty match highlights nothing and still ends.
    assert.equal(
      rendered(createTextLogRenderer(chalk, {highlight: /x*/}), {...log, message: Buffer.from('ab')}),
      `2025-11-24T09:46:47.12+0000 [${source}] OUT ab\n`,
    )
    assert.equal(
      rendered(createTextLogRenderer(undefined, {highlight: /time/}), {...log, message: Buffer.from('time')}),
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT time\n',
    )
  })

  it('writes the contract’s JSON keys in order, inner line breaks kept', () => {
    const render = createJsonLogRenderer('myapp')
    assert.equal(
      rendered(render, {...log, messageType: 2, message: Buffer.from('a\nb\n')}),
      '{"timestamp":"2025-11-24T09:46:47.129999999Z","app":"myapp","source_type":"APP/PROC/WEB","source_instance":"0","message_type":"ERR","message":"a\\nb"}\n',
    )
  })

  it('writes a message type without a name as its number, as the firehose’s JSON does', () => {
    assert.equal(
      rendered(createJsonLogRenderer('myapp'), {...log, messageType: 7, message: Buffer.from('mt7')}),
      '{"timestamp":"2025-11-24T09:46:47.129999999Z","app":"myapp","source_type":"APP/PROC/WEB","source_instance":"0","message_type":7,"message":"mt7"}\n',
    )
  })
})

describe('log rendering of huge messages', () => {
  const SPILL_AT_BYTES = 64 * 1024

  /** Renders into a sink that the test empties as a writer would, and checks it never held more than it should. */
  function renderSpilling(
    render: LogRenderer,
    message: LogMessage,
    longestLine: number,
  ): {bytes: number; first: string; last: string} {
    const out = new ByteSink()
    out.spillAtBytes = SPILL_AT_BYTES
    let bytes = 0
    let first = ''
    let last = ''
    let spills = 0
    const take = (): void => {
      assert.ok(out.pos <= SPILL_AT_BYTES + longestLine, `the sink held ${out.pos} bytes`)
      const chunk = out.take()
      if (chunk.length === 0) return
      if (first === '') first = chunk.toString('utf8', 0, 200)
      last = chunk.toString('utf8', Math.max(0, chunk.length - 200))
      bytes += chunk.length
      out.recycle(chunk)
    }

    out.onSpill = () => {
      spills++
      take()
    }

    render(message, out)
    take()
    assert.ok(spills > 1)
    return {bytes, first, last}
  }

  before(() => {
    process.env.TZ = 'UTC'
  })

  after(() => {
    process.env.TZ = savedTz
  })

  const savedTz = process.env.TZ

  it('writes a 12 MB message of line breaks as a line each, through a sink that never grows past its spill point and a line', () => {
    const message = Buffer.alloc(12_000_000, 0x0a)
    message[message.length - 1] = 0x78
    const line = '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT \n'
    const {bytes, first, last} = renderSpilling(createTextLogRenderer(undefined), {...log, message}, line.length + 1)
    assert.equal(bytes, line.length * 12_000_000 + 1)
    assert.equal(first, line.repeat(4).slice(0, 200))
    assert.ok(last.endsWith(`${line}${line.slice(0, -1)}x\n`))
  })

  it('writes a 1 MB message of line breaks from a 1000-character source type, a line each', () => {
    const message = Buffer.alloc(1_000_000, 0x0a)
    message[message.length - 1] = 0x78
    const sourceType = 'S'.repeat(1000)
    const line = `2025-11-24T09:46:47.12+0000 [${sourceType}/0] OUT \n`
    const {bytes, first, last} = renderSpilling(
      createTextLogRenderer(undefined),
      {...log, sourceType, message},
      line.length + 1,
    )
    assert.equal(bytes, line.length * 1_000_000 + 1)
    assert.equal(first, line.slice(0, 200))
    assert.ok(last.endsWith(`${sourceType.slice(-100)}/0] OUT x\n`))
  })

  it('writes a message of only line breaks as one empty line, as the text trimmed of them', () => {
    const out = new ByteSink()
    createTextLogRenderer(undefined)({...log, message: Buffer.alloc(12_000_000, 0x0a)}, out)
    assert.equal(out.take().toString('utf8'), '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT \n')
  })

  it('checks the sink after each JSON message', () => {
    const out = new ByteSink()
    out.spillAtBytes = 100
    const taken: number[] = []
    out.onSpill = () => taken.push(out.take().length)
    const render = createJsonLogRenderer('myapp')
    for (let i = 0; i < 3; i++) render({...log, message: Buffer.from('x')}, out)
    const line =
      '{"timestamp":"2025-11-24T09:46:47.129999999Z","app":"myapp","source_type":"APP/PROC/WEB","source_instance":"0","message_type":"OUT","message":"x"}\n'
    assert.deepEqual(taken, [line.length, line.length, line.length])
  })
})

describe('chooseColorLevel', () => {
  it('follows the flag first, then NO_COLOR, then FORCE_COLOR, then the terminal', () => {
    assert.equal(chooseColorLevel(false, {FORCE_COLOR: '3'}, true, 3), 0)
    assert.equal(chooseColorLevel(true, {NO_COLOR: '1'}, false, 0), 1)
    assert.equal(chooseColorLevel(true, {}, false, 3), 3)
    assert.equal(chooseColorLevel(undefined, {NO_COLOR: '1', FORCE_COLOR: '1'}, true, 3), 0)
    assert.equal(chooseColorLevel(undefined, {FORCE_COLOR: '2'}, false, 0), 2)
    assert.equal(chooseColorLevel(undefined, {FORCE_COLOR: 'yes'}, false, 3), 3)
    assert.equal(chooseColorLevel(undefined, {FORCE_COLOR: '0'}, true, 3), 0)
    assert.equal(chooseColorLevel(undefined, {}, false, 3), 0)
    assert.equal(chooseColorLevel(undefined, {}, true, 0), 1)
    assert.equal(chooseColorLevel(undefined, {}, true, 2), 2)
  })

  it('gives a terminal that says TERM=dumb no colour, unless it is asked for', () => {
    assert.equal(chooseColorLevel(undefined, {TERM: 'dumb'}, true, 0), 0)
    assert.equal(chooseColorLevel(undefined, {TERM: 'dumb', COLORTERM: 'truecolor'}, true, 0), 0)
    assert.equal(chooseColorLevel(undefined, {TERM: 'dumb', FORCE_COLOR: '1'}, true, 0), 1)
    assert.equal(chooseColorLevel(true, {TERM: 'dumb'}, true, 0), 1)
  })

  it('gives no chalk for plain output, and one at the level chosen for colour', async () => {
    assert.equal(await loadChalk(undefined, {}, false), undefined)
    assert.equal(await loadChalk(false, {FORCE_COLOR: '3'}, true), undefined)
    assert.equal((await loadChalk(undefined, {FORCE_COLOR: '2'}, false))?.level, 2)
    assert.ok(((await loadChalk(true, {}, false))?.level ?? 0) >= 1)
  })

  it('gives the usual sources the colours the README shows, in 256 and in 16 colours', () => {
    const readme: Array<[string, number, string]> = [
      ['APP/PROC/WEB/0', 142, '92'],
      ['APP/PROC/WEB/1', 105, '36'],
      ['APP/PROC/WEB/2', 178, '95'],
      ['RTR/0', 141, '96'],
      ['RTR/1', 43, '35'],
      ['API/0', 208, '94'],
      ['API/1', 39, '33'],
      ['STG/0', 71, '93'],
      ['CELL/0', 69, '92'],
    ]
    for (const [source, color256, color16] of readme) {
      assert.equal(instanceColor(new Chalk({level: 2}), source)('x'), `\u001B[38;5;${color256}mx\u001B[39m`, source)
      assert.equal(instanceColor(new Chalk({level: 1}), source)('x'), `\u001B[${color16}mx\u001B[39m`, source)
    }
  })

  it('gives an instance the same colour every time, never red nor plain blue, and the common sources different ones', () => {
    for (const level of [1, 2, 3] as const) {
      const chalk = new Chalk({level})
      const open = (name: string): string => instanceColor(chalk, name)('x').split('x')[0]
      assert.equal(open('RTR/1'), open('RTR/1'))
      const colors = new Set(Array.from({length: 200}, (_, i) => open(`APP/PROC/WEB/${i}`)))
      assert.equal(colors.size, level === 1 ? 9 : 18)
      // Red (31, 91; 1, 9, 52, 88, 124, 160, 196 and the pinks 161-168, 197-204) is ERR's; 34 is plain blue.
      assert.ok(
        ![...colors].some((code) =>
          /^\u001B\[(31|91|34)m$|^\u001B\[38;5;(1|9|52|88|124|160|196|16[1-8]|19[7-9]|20[0-4])m$/.test(code),
        ),
        [...colors].join(' '),
      )
      // WEB/0, RTR/1 and API/1 shared bright magenta with the old palette.
      const usual = [
        'APP/PROC/WEB/0',
        'RTR/1',
        'API/1',
        'APP/PROC/WEB/1',
        'RTR/0',
        'APP/PROC/WEB/2',
        'API/0',
        'STG/0',
        'CELL/0',
      ]
      const distinct = level === 1 ? usual.slice(0, 6) : usual
      assert.equal(new Set(distinct.map(open)).size, distinct.length, `level ${level}`)
    }
  })
})
