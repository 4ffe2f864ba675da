import {strict as assert} from 'node:assert'

import {Chalk} from 'chalk'

import {chooseColorLevel, instanceColor, loadChalk} from '../../../src/render/color.js'
import {createJsonLogRenderer, createTextLogRenderer} from '../../../src/render/log-message.js'
import {formatLocalTimestamp, formatUtcTimestamp} from '../../../src/render/timestamp.js'

const log = {timestamp: 1_763_977_607_129_999_999n, sourceType: 'APP/PROC/WEB', sourceInstance: '0', messageType: 1}

describe('log rendering', () => {
  const savedTz = process.env.TZ
  afterEach(() => {
    process.env.TZ = savedTz
  })

  it('formats the local time with hundredths truncated and a ±HHMM zone', () => {
    process.env.TZ = 'America/St_Johns'
    assert.equal(formatLocalTimestamp(log.timestamp), '2025-11-24T06:16:47.12-0330')
    process.env.TZ = 'UTC'
    assert.equal(formatLocalTimestamp(-1n), '1969-12-31T23:59:59.99+0000')
  })

  it('formats RFC 3339 UTC with nine fraction digits', () => {
    assert.equal(formatUtcTimestamp(log.timestamp), '2025-11-24T09:46:47.129999999Z')
    assert.equal(formatUtcTimestamp(0n), '1970-01-01T00:00:00.000000000Z')
  })

  it('writes one line per message line, each with the full header, without colour for plain output', () => {
    process.env.TZ = 'UTC'
    const render = createTextLogRenderer(undefined)
    const message = Buffer.from('Error: boom\r\n    at main\r\n\n')
    assert.equal(render({...log, messageType: 2, message}), '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] ERR Error: boom\n2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] ERR     at main\n')
  })

  it('turns invalid UTF-8 into U+FFFD', () => {
    process.env.TZ = 'UTC'
    const render = createTextLogRenderer(undefined)
    assert.equal(render({...log, message: Buffer.from([0x61, 0xff, 0x62])}), '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT a\uFFFDb\n')
  })

  it('colours ERR lines red and the source per instance on a colour terminal', () => {
    process.env.TZ = 'UTC'
    const chalk = new Chalk({level: 1})
    const render = createTextLogRenderer(chalk)
    const out = render({...log, message: Buffer.from('ok')})
    assert.ok(out.includes(chalk[instanceColor('APP/PROC/WEB/0')]('APP/PROC/WEB/0')))
    assert.ok(render({...log, messageType: 2, message: Buffer.from('bad')}).startsWith('\u001B[31m'))
  })

  it('writes the contract’s JSON keys in order, inner line breaks kept', () => {
    const render = createJsonLogRenderer('myapp')
    assert.equal(
      render({...log, messageType: 2, message: Buffer.from('a\nb\n')}),
      '{"timestamp":"2025-11-24T09:46:47.129999999Z","app":"myapp","source_type":"APP/PROC/WEB","source_instance":"0","message_type":"ERR","message":"a\\nb"}\n',
    )
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

  it('gives no chalk for plain output, and one at the level chosen for colour', async () => {
    assert.equal(await loadChalk(undefined, {}, false), undefined)
    assert.equal(await loadChalk(false, {FORCE_COLOR: '3'}, true), undefined)
    assert.equal((await loadChalk(undefined, {FORCE_COLOR: '2'}, false))?.level, 2)
    assert.ok(((await loadChalk(true, {}, false))?.level ?? 0) >= 1)
  })

  it('gives an instance the same colour every time and never red', () => {
    assert.equal(instanceColor('RTR/1'), instanceColor('RTR/1'))
    const colors = new Set(Array.from({length: 50}, (_, i) => instanceColor(`APP/PROC/WEB/${i}`)))
    assert.ok(colors.size > 3)
    assert.ok(![...colors].some((c) => c.startsWith('red')))
  })
})
