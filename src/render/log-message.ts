import type {ChalkInstance} from 'chalk'

import {type LogMessage, MESSAGE_TYPES} from '../envelope/types.js'
import {instanceColor} from './color.js'
import {formatLocalTimestamp, formatUtcTimestamp} from './timestamp.js'

/** Renders one LogMessage as the text that goes to stdout, newline-terminated. */
export type LogRenderer = (log: LogMessage) => string

/** The message as UTF-8 text (invalid bytes → U+FFFD) without trailing line breaks. */
export function messageText(log: LogMessage): string {
  const bytes = log.message
  if (!bytes) return ''
  let end = bytes.length
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--
  return Buffer.isBuffer(bytes) ? bytes.toString('utf8', 0, end) : Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8')
}

function messageTypeName(log: LogMessage): string {
  if (log.messageType === MESSAGE_TYPES.ERR) return 'ERR'
  if (log.messageType === undefined || log.messageType === MESSAGE_TYPES.OUT) return 'OUT'
  return String(log.messageType)
}

/**
 * The cf CLI's line without its indent: one output line per line of the message, each with the full
 * header so `grep` keeps the context (../shared/CLI.md "Text output").
 */
export function createTextLogRenderer(chalk: ChalkInstance | undefined): LogRenderer {
  // ` [SOURCE/INSTANCE] OUT ` per type, source and instance: a few distinct values, built once each
  // and found without building a key string per line.
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
      if (++count > 4096) { // an app has few sources; never let it grow unbounded
        headers.clear()
        count = 0
      }

      const source = `${sourceType}/${sourceInstance}`
      header = ` [${chalk ? chalk[instanceColor(source)](source) : source}] ${type} `
      byInstance.set(sourceInstance, header)
    }

    return header
  }

  return (log) => {
    const type = messageTypeName(log)
    const head = formatLocalTimestamp(log.timestamp ?? 0n) + headerOf(log, type)
    const text = messageText(log)
    const red = type === 'ERR' ? chalk?.red : undefined
    if (!text.includes('\n')) return (red ? red(head + withoutCR(text)) : head + withoutCR(text)) + '\n'
    let out = ''
    for (const line of text.split('\n')) out += (red ? red(head + withoutCR(line)) : head + withoutCR(line)) + '\n'
    return out
  }
}

function withoutCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}

/** One JSON object per message, keys in the contract's order (../shared/CLI.md "JSON output"). */
export function createJsonLogRenderer(appName: string): LogRenderer {
  return (log) =>
    JSON.stringify({
      timestamp: formatUtcTimestamp(log.timestamp ?? 0n),
      app: appName,
      source_type: log.sourceType ?? '',
      source_instance: log.sourceInstance ?? '',
      message_type: messageTypeName(log),
      message: messageText(log),
    }) + '\n'
}
