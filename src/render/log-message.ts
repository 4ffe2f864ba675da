import type {ChalkInstance} from 'chalk'

import {type LogMessage, MESSAGE_TYPES} from '../envelope/types.js'
import {instanceColor} from './color.js'
import {formatLocalTimestamp, formatUtcTimestamp} from './timestamp.js'

/** Renders one LogMessage as the text that goes to stdout, newline-terminated. */
export type LogRenderer = (log: LogMessage) => string

const decoder = new TextDecoder('utf-8', {fatal: false})

/** The message as UTF-8 text (invalid bytes → U+FFFD) without trailing line breaks. */
export function messageText(log: LogMessage): string {
  return log.message ? decoder.decode(log.message).replace(/[\r\n]+$/, '') : ''
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
export function createTextLogRenderer(chalk: ChalkInstance): LogRenderer {
  const colored = chalk.level > 0
  return (log) => {
    const source = `${log.sourceType ?? ''}/${log.sourceInstance ?? ''}`
    const type = messageTypeName(log)
    const head = `${formatLocalTimestamp(log.timestamp ?? 0n)} [${colored ? chalk[instanceColor(source)](source) : source}] ${type} `
    let out = ''
    for (const line of messageText(log).split('\n')) {
      const text = head + (line.endsWith('\r') ? line.slice(0, -1) : line)
      out += (colored && type === 'ERR' ? chalk.red(text) : text) + '\n'
    }

    return out
  }
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
