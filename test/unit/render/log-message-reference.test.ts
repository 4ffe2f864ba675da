import {strict as assert} from 'node:assert'

import {Chalk, type ChalkInstance} from 'chalk'

import {type LogMessage, MESSAGE_TYPES} from '../../../src/envelope/types.js'
import {ByteSink} from '../../../src/render/byte-sink.js'
import {instanceColor} from '../../../src/render/color.js'
import {createJsonLogRenderer, createTextLogRenderer, type LogRenderer} from '../../../src/render/log-message.js'
import {seeded} from '../../../src/demo/seeded-random.js'

// ---- The reference: cfws 0.4.1's string renderers (src/render/log-message.ts and timestamp.ts), kept
// as they were but for the timestamp cache, which lives in a closure so that each TZ starts afresh.

function referenceTimestamps(): {
  formatLocalTimestamp: (nanoseconds: bigint) => string
  formatUtcTimestamp: (nanoseconds: bigint) => string
} {
  const NS_PER_SECOND = 1_000_000_000n

  function pad(value: number, width = 2): string {
    return String(value).padStart(width, '0')
  }

  function split(nanoseconds: bigint): {seconds: number; nanos: number} {
    let seconds = nanoseconds / NS_PER_SECOND
    let nanos = nanoseconds % NS_PER_SECOND
    if (nanos < 0n) {
      nanos += NS_PER_SECOND
      seconds -= 1n
    }

    return {seconds: Number(seconds), nanos: Number(nanos)}
  }

  let cachedStartNs = 1n
  let cachedEndNs = 0n
  let cachedPrefix = ''
  let cachedZone = ''

  return {
    formatLocalTimestamp(nanoseconds: bigint): string {
      if (nanoseconds < cachedStartNs || nanoseconds >= cachedEndNs) {
        const {seconds} = split(nanoseconds)
        const date = new Date(seconds * 1000)
        const offsetMinutes = -date.getTimezoneOffset()
        const absolute = Math.abs(offsetMinutes)
        cachedStartNs = BigInt(seconds) * NS_PER_SECOND
        cachedEndNs = cachedStartNs + NS_PER_SECOND
        cachedPrefix = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.`
        cachedZone = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(absolute / 60))}${pad(absolute % 60)}`
      }

      return cachedPrefix + pad(Math.floor(Number(nanoseconds - cachedStartNs) / 10_000_000)) + cachedZone
    },

    formatUtcTimestamp(nanoseconds: bigint): string {
      const {seconds, nanos} = split(nanoseconds)
      return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${pad(nanos, 9)}Z`
    },
  }
}

function messageText(log: LogMessage): string {
  const bytes = log.message
  if (!bytes) return ''
  let end = bytes.length
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--
  return Buffer.isBuffer(bytes)
    ? bytes.toString('utf8', 0, end)
    : Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8')
}

function messageTypeName(log: LogMessage): string {
  if (log.messageType === MESSAGE_TYPES.ERR) return 'ERR'
  if (log.messageType === undefined || log.messageType === MESSAGE_TYPES.OUT) return 'OUT'
  return String(log.messageType)
}

// The documented escapes (README "Control characters"), written apart from visible-controls.ts.
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const SHORT_ESCAPES: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
}
const hex = (char: string, digits: number): string => char.codePointAt(0)!.toString(16).padStart(digits, '0')
const visible = (text: string): string =>
  text.replace(
    CONTROLS,
    (char) => SHORT_ESCAPES[char] ?? (char < '\u0080' ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`),
  )
// JSON.stringify leaves DEL, C1 and bidi controls as they are; cfws escapes them too.
const JSON_EXTRA = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const jsonVisible = (json: string): string => json.replace(JSON_EXTRA, (char) => `\\u${hex(char, 4)}`)

function referenceTextRenderer(chalk: ChalkInstance | undefined, rawEscapes = false): (log: LogMessage) => string {
  // A source name's lone surrogate is escaped as its UTF-8 bytes decode: U+FFFD.
  const shown = rawEscapes ? (text: string) => text : (text: string) => visible(Buffer.from(text).toString())
  const {formatLocalTimestamp} = referenceTimestamps()
  const headers = new Map<string, Map<string, Map<string, string>>>()
  let count = 0
  const headerOf = (log: LogMessage, type: string): string => {
    const sourceType = log.sourceType ?? ''
    const sourceInstance = log.sourceInstance ?? ''
    let byType = headers.get(type)
    if (byType === undefined) headers.set(type, (byType = new Map()))
    let byInstance = byType.get(sourceType)
    if (byInstance === undefined) byType.set(sourceType, (byInstance = new Map()))
    let header = byInstance.get(sourceInstance)
    if (header === undefined) {
      if (++count > 4096) {
        headers.clear()
        count = 0
      }

      const source = `${shown(sourceType)}/${shown(sourceInstance)}`
      header = ` [${chalk ? instanceColor(chalk, source)(source) : source}] ${type} `
      byInstance.set(sourceInstance, header)
    }

    return header
  }

  return (log) => {
    const type = messageTypeName(log)
    const head = formatLocalTimestamp(log.timestamp ?? 0n) + headerOf(log, type)
    const text = messageText(log)
    const red = type === 'ERR' ? chalk?.red : undefined
    if (!text.includes('\n')) return (red ? red(head + shown(withoutCR(text))) : head + shown(withoutCR(text))) + '\n'
    let out = ''
    for (const line of text.split('\n'))
      out += (red ? red(head + shown(withoutCR(line))) : head + shown(withoutCR(line))) + '\n'
    return out
  }
}

function withoutCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}

function referenceJsonRenderer(appName: string): (log: LogMessage) => string {
  const {formatUtcTimestamp} = referenceTimestamps()
  // A lone surrogate in the name is written as U+FFFD, as its UTF-8 bytes decode.
  const app = Buffer.from(appName).toString()
  return (log) =>
    jsonVisible(
      JSON.stringify({
        timestamp: formatUtcTimestamp(log.timestamp ?? 0n),
        app,
        source_type: Buffer.from(log.sourceType ?? '').toString(),
        source_instance: Buffer.from(log.sourceInstance ?? '').toString(),
        // An unnamed type as its number, as protobuf's JSON mapping (and the firehose's JSON) has it.
        message_type: messageTypeName(log) === String(log.messageType) ? log.messageType : messageTypeName(log),
        message: messageText(log),
      }),
    ) + '\n'
}

// ---- Generated messages.

const random = seeded(0x10_6e55)
const below = (n: number): number => Math.floor(random() * n)
const pick = <T>(items: readonly T[]): T => items[below(items.length)]

// Pieces a message is made of: line breaks in every combination, controls, chalk's own codes, valid
// UTF-8 of every length, U+2028, and the ill-formed kinds (stray continuations, truncated and
// overlong sequences, surrogates, past U+10FFFF, bytes that never occur).
const PIECES = [
  'GET /v2/apps 200',
  'Error: boom',
  '    at main (/app/index.js:3:9)',
  '"quoted" \\ back/slash',
  '\t',
  ' ',
  '',
  '\n',
  '\r',
  '\r\n',
  '\n\r',
  '\r\r\n',
  '\n\n\n',
  '\r\n\r\n',
  '\u0000',
  '\u0001',
  '\u001F',
  '\u007F',
  '\u001B',
  '\u001B[39m',
  '\u001B[31m',
  '\u001B[36mcyan\u001B[39m',
  'é',
  '€',
  '😀',
  '\u2028',
  '\u2029',
  '\uFEFF',
  '\uFFFD',
  '\u0085',
  '\u009B',
  '\u061C',
  '\u200E',
  '\u200F',
  '\u202A',
  '\u202E',
  '\u2066',
  '\u2069',
  '\u2065',
  '\u202F',
  '\u200D',
].map((text) => Buffer.from(text))
const ILL_FORMED = [
  [0x80],
  [0xbf],
  [0xc0, 0xaf],
  [0xc1, 0xbf],
  [0xc2],
  [0xe2, 0x82],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf0, 0x9f, 0x98],
  [0xf0, 0x8f, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80],
  [0xfe],
  [0xff],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
].map((bytes) => Buffer.from(bytes))

function randomBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length)
  for (let i = 0; i < length; i++) bytes[i] = below(256)
  return bytes
}

function randomMessage(): Buffer {
  switch (below(12)) {
    case 0: {
      return Buffer.alloc(0)
    }

    case 1: {
      return randomBytes(below(64))
    }

    case 2: {
      // Long: past the word copies, a few kilobytes of pieces.
      return Buffer.concat(
        Array.from({length: 200 + below(600)}, () => (random() < 0.05 ? pick(ILL_FORMED) : pick(PIECES))),
      )
    }

    case 3: {
      return Buffer.from(pick(['\n', '\r\n', '\r', '\n\n\r\n']).repeat(1 + below(50)))
    }

    default: {
      const parts = Array.from({length: below(12)}, () =>
        random() < 0.15 ? pick(ILL_FORMED) : random() < 0.1 ? randomBytes(1 + below(4)) : pick(PIECES),
      )
      return Buffer.concat(parts)
    }
  }
}

const SOURCE_TYPES = [
  'APP/PROC/WEB',
  'RTR',
  'STG',
  'CELL',
  '',
  'S'.repeat(1000),
  'a\nb',
  'a\r\nb',
  '\u001B[39m',
  'say "hi" \\',
  '\u2028',
  '\uD800',
  'x\uDFFF',
  '😀',
  'é',
  '\u0000',
  '\u001F',
]
const SOURCE_INSTANCES = ['0', '1', '12', '', 'a/b', '\n', '\u001B[39m\u001B[31m', '\uDBFF', '"']
const MESSAGE_TYPE_VALUES = [undefined, 1, 1, 1, 2, 2, 0, 3, -1, 2_147_483_647]
const TIMESTAMPS = [
  0n,
  1n,
  -1n,
  9_999_999n,
  10_000_000n,
  999_999_999n,
  1_000_000_000n,
  -999_999_999n,
  -1_000_000_000n,
  -1_000_000_001n,
  9_223_372_036_854_775_807n,
  -9_223_372_036_854_775_808n,
  1_763_977_607_129_999_999n,
]

function randomTimestamp(): bigint | undefined {
  switch (below(4)) {
    case 0: {
      return random() < 0.2 ? undefined : pick(TIMESTAMPS)
    }

    case 1: {
      // Anywhere in the 64-bit range.
      return BigInt.asIntN(64, (BigInt(below(2 ** 32)) << 32n) | BigInt(below(2 ** 32)))
    }

    default: {
      // A busy stream: many lines within a second, seconds apart.
      return 1_764_000_000_000_000_000n + BigInt(below(5)) * 1_000_000_000n + BigInt(below(1_000_000_000))
    }
  }
}

/** A message as a frame holds it: a view into memory shared with other bytes, at any offset, or a plain Uint8Array. */
function asReceived(bytes: Buffer): Uint8Array {
  const offset = below(8)
  const memory = Buffer.concat([randomBytes(offset), bytes, randomBytes(below(8))])
  const view = memory.subarray(offset, offset + bytes.length)
  return random() < 0.2 ? new Uint8Array(view.buffer, view.byteOffset, view.length) : view
}

function randomLog(): LogMessage {
  const log: LogMessage = {}
  if (random() < 0.95) log.message = asReceived(randomMessage())
  const type = pick(MESSAGE_TYPE_VALUES)
  if (type !== undefined) log.messageType = type
  const timestamp = randomTimestamp()
  if (timestamp !== undefined) log.timestamp = timestamp
  if (random() < 0.95) log.sourceType = random() < 0.7 ? pick(SOURCE_TYPES.slice(0, 4)) : pick(SOURCE_TYPES)
  if (random() < 0.95) log.sourceInstance = pick(SOURCE_INSTANCES)
  return log
}

// ---- The comparison.

/** What the renderer writes for each log, through a sink that spills at a random size as the writer takes it. */
function renderAll(render: LogRenderer, logs: readonly LogMessage[]): Buffer {
  const out = new ByteSink(16 + below(256))
  out.spillAtBytes = pick([Number.POSITIVE_INFINITY, 1, 100, 4096])
  const chunks: Buffer[] = []
  out.onSpill = () => chunks.push(Buffer.from(out.take()))
  for (const log of logs) render(log, out)

  chunks.push(out.take())
  return Buffer.concat(chunks)
}

function assertSameBytes(
  actual: Buffer,
  logs: readonly LogMessage[],
  reference: (log: LogMessage) => string,
  what: string,
): void {
  const expected = Buffer.from(logs.map((log) => reference(log)).join(''))
  if (actual.equals(expected)) return
  // Find the first message that differs, to show it.
  let at = 0
  for (const log of logs) {
    const one = Buffer.from(reference(log))
    if (!actual.subarray(at, at + one.length).equals(one)) {
      assert.equal(
        JSON.stringify(actual.subarray(at, at + one.length).toString('latin1')),
        JSON.stringify(one.toString('latin1')),
        `${what}: ${JSON.stringify({...log, timestamp: String(log.timestamp), message: log.message && Buffer.from(log.message).toString('hex')})}`,
      )
    }

    at += one.length
  }

  assert.fail(`${what}: the output differs in length (${actual.length} against ${expected.length})`)
}

describe('log renderers against the string renderers they replace', () => {
  const savedTz = process.env.TZ
  after(() => {
    process.env.TZ = savedTz
  })

  // The zones cover a zone west of UTC with half hours, one east with quarter hours and summer
  // time, and the local mean times before 1900 (offsets of seconds) that dates near -2^63 reach.
  for (const tz of ['UTC', 'America/St_Johns', 'Asia/Kathmandu', 'Pacific/Chatham', 'Europe/Amsterdam']) {
    for (const level of [undefined, 0, 1, 2, 3] as const) {
      for (const rawEscapes of [false, true]) {
        it(`writes the same bytes as text in ${tz}, ${level === undefined ? 'without chalk' : `chalk level ${level}`}${rawEscapes ? ', raw escapes' : ''}`, () => {
          process.env.TZ = tz
          const chalk = level === undefined ? undefined : new Chalk({level})
          const logs = Array.from({length: 1500}, randomLog)
          assertSameBytes(
            renderAll(createTextLogRenderer(chalk, {rawEscapes}), logs),
            logs,
            referenceTextRenderer(chalk, rawEscapes),
            `text, ${tz}, level ${level}, raw ${rawEscapes}`,
          )
        })
      }
    }
  }

  for (const app of ['myapp', '', 'my "app" \\ \u2028 \uD800 é\n']) {
    it(`writes the same bytes as JSON for an app named ${JSON.stringify(app)}`, () => {
      const logs = Array.from({length: 3000}, randomLog)
      assertSameBytes(
        renderAll(createJsonLogRenderer(app), logs),
        logs,
        referenceJsonRenderer(app),
        `JSON, app ${JSON.stringify(app)}`,
      )
    })
  }

  it('writes the same bytes once more sources came than the header cache keeps', () => {
    process.env.TZ = 'UTC'
    const chalk = new Chalk({level: 1})
    const logs = Array.from({length: 10_000}, (_, i) => ({
      ...randomLog(),
      sourceInstance: String(i % 5000),
      messageType: 1 + (i % 2),
    }))
    assertSameBytes(
      renderAll(createTextLogRenderer(chalk), logs),
      logs,
      referenceTextRenderer(chalk),
      'text past the cache',
    )
    assertSameBytes(
      renderAll(createTextLogRenderer(chalk, {rawEscapes: true}), logs),
      logs,
      referenceTextRenderer(chalk, true),
      'raw text past the cache',
    )
    assertSameBytes(
      renderAll(createJsonLogRenderer('myapp'), logs),
      logs,
      referenceJsonRenderer('myapp'),
      'JSON past the cache',
    )
  })
})
