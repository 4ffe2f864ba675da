import type {ChalkInstance} from 'chalk'

import {type LogMessage, MESSAGE_TYPES} from '../envelope/types.js'
import {type ByteSink, LONGEST_WORD_COPY} from './byte-sink.js'
import {Literal} from './literal.js'
import {instanceColor} from './color.js'
import {jsonString, writeString} from './envelope-json.js'
import {MessageText} from './message-text.js'
import {visibleControls, writeVisible} from './visible-controls.js'
import {LocalTimestamp, type TimestampStyle, UtcTimestamp} from './timestamp.js'

/**
 * Writes one LogMessage into `out` as newline-terminated output, calling `out.checkpoint()` after
 * each line. No string is built per message: a message of millions of lines goes through a sink
 * that the writer empties as it fills.
 */
export type LogRenderer = (log: LogMessage, out: ByteSink) => void

/**
 * The cf CLI's line without its indent: one output line per line of the message, each with the full
 * header so `grep` keeps the context (../shared/CLI.md "Text output"); bytes as chalk would colour
 * them: a red ERR line, the source in its instance's colour. Control characters of the message and
 * source are escaped (visible-controls.ts) unless `rawEscapes` asks for the app's bytes as they are.
 */
export function createTextLogRenderer(
  chalk: ChalkInstance | undefined,
  {rawEscapes = false, highlight, timestamps = 'default', app}: TextOptions = {},
): LogRenderer {
  // chalk's red codes, read off a coloured letter: none at level 0, where chalk leaves text as it is.
  const [redOpen = '', redClose = ''] = chalk ? chalk.red('x').split('x') : []
  const open = new Literal(redOpen)
  const redEnd = new Literal(`${redClose}\n`)
  const closeCode = Buffer.from(redClose)
  const clock = timestamps === 'none' ? undefined : new LocalTimestamp(timestamps)
  const text = new MessageText()
  const writeText = rawEscapes ? copyBytes : writeVisible
  // Highlights are colour: a pipe gets none, so a script's output does not change with --highlight.
  const marker = chalk && highlight ? new Highlighter(highlight, chalk) : undefined
  // The app's name comes from the Cloud Controller, not the app's output: escaped even with rawEscapes.
  const prefix =
    app === undefined
      ? undefined
      : new Constant(
          `${chalk ? instanceColor(chalk, visibleControls(app))(visibleControls(app)) : visibleControls(app)} `,
        )
  const headers = new PerSource<TextHeader>((messageType, sourceType, sourceInstance) => {
    const type = typeName(messageType)
    const source = rawEscapes
      ? `${sourceType}/${sourceInstance}`
      : `${visibleControls(sourceType)}/${visibleControls(sourceInstance)}`
    const head = `${clock ? ' ' : ''}[${chalk ? instanceColor(chalk, source)(source) : source}] ${type} `
    if (redOpen === '' || type !== 'ERR') return {red: false, head: new Constant(head), end: NEWLINE}
    // What chalk.red makes of the whole line, the header's part of it: chalk's codes within it
    // reopen red (its line breaks, from a source name, get their own codes).
    return {red: true, head: new Constant(chalk!.red(head).slice(redOpen.length, -redClose.length)), end: redEnd}
  })

  return (log, out) => {
    const header = headers.get(log)
    clock?.moveTo(log.timestamp ?? 0n)
    text.read(log)
    const {source, end} = text
    // Escaped text holds no ESC, so only raw text can close chalk's red early.
    const recolour = rawEscapes && header.red && source.indexOf(0x1b) !== -1
    for (let start = 0; ;) {
      // A line break is one byte in UTF-8, whatever surrounds it: lines split on the bytes as on the text.
      const found = start < end ? source.indexOf(0x0a, start) : -1
      const last = found === -1 || found >= end
      const lineBreak = last ? end : found
      const lineEnd = !last && lineBreak > start && source[lineBreak - 1] === 0x0d ? lineBreak - 1 : lineBreak
      prefix?.write(out)
      if (header.red) out.literal(open)
      clock?.write(out)
      header.head.write(out)
      if (recolour) writeRecoloured(out, source, start, lineEnd, closeCode, open)
      else if (marker) marker.write(out, source, start, lineEnd, writeText)
      else writeText(out, source, start, lineEnd)
      out.literal(header.end)
      out.checkpoint()
      if (last) return
      start = lineBreak + 1
    }
  }
}

export interface TextOptions {
  /** The app's bytes as they are, control characters and all (`--raw-escapes`). */
  rawEscapes?: boolean
  /** `--highlight`: what matches is shown in reverse video, when there is colour. */
  highlight?: RegExp
  /** `--timestamps`: how each line's time is written, or not at all. */
  timestamps?: TimestampStyle
  /** Several apps tailed: each line starts with its app's name, in the app's colour. */
  app?: string
}

type WriteText = (out: ByteSink, source: Uint8Array, start: number, end: number) => void

function copyBytes(out: ByteSink, source: Uint8Array, start: number, end: number): void {
  out.copy(source, start, end)
}

/**
 * Reverse video around each match of a pattern in a line. Reverse video, not a colour: its end
 * code leaves the red of an ERR line on. The line's bytes are valid UTF-8 (MessageText), so a
 * match's characters map to bytes exactly.
 */
class Highlighter {
  private readonly pattern: RegExp
  private readonly open: Literal
  private readonly close: Literal

  constructor(pattern: RegExp, chalk: ChalkInstance) {
    this.pattern = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)
    const [open, close] = chalk.inverse('x').split('x')
    this.open = new Literal(open)
    this.close = new Literal(close)
  }

  write(out: ByteSink, source: Buffer, start: number, end: number, writeText: WriteText): void {
    const line = source.toString('utf8', start, end)
    const {pattern} = this
    pattern.lastIndex = 0
    let at = start
    let charsAt = 0
    for (let match = pattern.exec(line); match !== null; match = pattern.exec(line)) {
      if (match[0].length === 0) {
        pattern.lastIndex++
        continue
      }

      // A pattern without the u flag matches UTF-16 units, so a match can end or start within an
      // emoji's surrogate pair (`.`, `\W`): it grows to the whole character, whose bytes go together.
      const from = Math.max(charsAt, codePointStart(line, match.index))
      const to = codePointEnd(line, match.index + match[0].length)
      pattern.lastIndex = Math.max(pattern.lastIndex, to)
      if (to <= from) continue
      const matchStart = at + Buffer.byteLength(line.slice(charsAt, from))
      const matchEnd = matchStart + Buffer.byteLength(line.slice(from, to))
      writeText(out, source, at, matchStart)
      out.literal(this.open)
      writeText(out, source, matchStart, matchEnd)
      out.literal(this.close)
      at = matchEnd
      charsAt = to
    }

    writeText(out, source, at, end)
  }
}

/** `index`, or the one before it when it falls between the halves of a surrogate pair. */
function codePointStart(text: string, index: number): number {
  return splitsPair(text, index) ? index - 1 : index
}

/** `index`, or the one after it when it falls between the halves of a surrogate pair. */
function codePointEnd(text: string, index: number): number {
  return splitsPair(text, index) ? index + 1 : index
}

function splitsPair(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1)
  const after = text.charCodeAt(index)
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff
}

interface TextHeader {
  /** A red ERR line: the red's opening code before the timestamp, its closing one before the newline. */
  red: boolean
  /** ` [SOURCE/INSTANCE] TYPE `, coloured. */
  head: Constant
  end: Literal
}

const NEWLINE = new Literal('\n')

/** A red line's text as chalk.red gives it: a closing code in it reopens red, so the rest stays red. */
function writeRecoloured(
  out: ByteSink,
  source: Buffer,
  start: number,
  end: number,
  closeCode: Buffer,
  reopen: Literal,
): void {
  let at = start
  for (;;) {
    const found = source.indexOf(closeCode, at)
    if (found === -1 || found + closeCode.length > end) break
    out.copy(source, at, found + closeCode.length)
    out.literal(reopen)
    at = found + closeCode.length
  }

  out.copy(source, at, end)
}

/** One JSON object per message, keys in the contract's order (../shared/CLI.md "JSON output"), as JSON.stringify writes it. */
export function createJsonLogRenderer(appName: string): LogRenderer {
  const app = jsonString(appName)
  const clock = new UtcTimestamp()
  const text = new MessageText()
  // What follows the timestamp up to the message, the same for every message of a source.
  const headers = new PerSource<Constant>(
    (messageType, sourceType, sourceInstance) =>
      new Constant(
        `","app":${app},"source_type":${jsonString(sourceType)},"source_instance":${jsonString(sourceInstance)},"message_type":${jsonEnum(messageType)},"message":`,
      ),
  )
  return (log, out) => {
    out.literal(JSON_START)
    clock.write(out, log.timestamp ?? 0n)
    headers.get(log).write(out)
    text.read(log)
    // The firehose's JSON strings: JSON.stringify's escapes for the valid UTF-8 that `text` holds.
    writeString(out, text.source, 0, text.end)
    out.literal(JSON_END)
    out.checkpoint()
  }
}

const JSON_START = new Literal('{"timestamp":"')
const JSON_END = new Literal('}\n')

/** A message type in JSON as the firehose's JSON has it (protobuf's mapping): its name, or the number of one without a name. */
function jsonEnum(messageType: number): string {
  const name = typeName(messageType)
  return name === String(messageType) ? name : jsonString(name)
}

function typeName(messageType: number): string {
  if (messageType === MESSAGE_TYPES.ERR) return 'ERR'
  if (messageType === MESSAGE_TYPES.OUT) return 'OUT'
  return String(messageType)
}

// An app has few sources; a stream of ever new ones must not grow the cache without bound.
const MAX_SOURCES = 4096

/**
 * What a renderer writes for each message type, source type and instance: built once each, and
 * found through three map lookups rather than a key string per message.
 */
class PerSource<T> {
  private readonly byType = new Map<number, Map<string, Map<string, T>>>()
  private count = 0

  constructor(private readonly build: (messageType: number, sourceType: string, sourceInstance: string) => T) {}

  get(log: LogMessage): T {
    const type = log.messageType ?? MESSAGE_TYPES.OUT
    const sourceType = log.sourceType ?? ''
    const sourceInstance = log.sourceInstance ?? ''
    let bySourceType = this.byType.get(type)
    if (bySourceType === undefined) this.byType.set(type, (bySourceType = new Map<string, Map<string, T>>()))
    let byInstance = bySourceType.get(sourceType)
    if (byInstance === undefined) bySourceType.set(sourceType, (byInstance = new Map<string, T>()))
    let value = byInstance.get(sourceInstance)
    if (value === undefined) {
      if (this.count === MAX_SOURCES) {
        this.byType.clear()
        this.count = 0
        return this.get(log)
      }

      value = this.build(type, sourceType, sourceInstance)
      byInstance.set(sourceInstance, value)
      this.count++
    }

    return value
  }
}

/** Bytes written again and again: a header. */
class Constant {
  private readonly bytes: Buffer
  private readonly words?: Literal

  constructor(text: string) {
    this.bytes = Buffer.from(text)
    if (this.bytes.length <= LONGEST_WORD_COPY) this.words = new Literal(this.bytes)
  }

  write(out: ByteSink): void {
    if (this.words) out.literal(this.words)
    else out.bytes(this.bytes)
  }
}
