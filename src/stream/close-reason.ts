import type WebSocket from 'ws'

// RFC 6455 §7.4.1 and the IANA WebSocket close code registry, in an operator's words.
const CLOSE_CODE_NAMES: Record<number, string> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1007: 'invalid UTF-8',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'missing extension',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
}

/**
 * Resolves once the socket has closed, with why: a frame ws refused, the server's close code and
 * reason, or a drop. Listen from the socket's creation: a refusal of the first frame can come in
 * the same read as the upgrade answer, before any caller of openStream could listen.
 */
export function whyClosed(socket: WebSocket): Promise<string> {
  let refusedWith: number | undefined
  socket.on('error', (error) => {
    refusedWith ??= refusalCloseCode(error)
  })
  return new Promise((resolve) => {
    socket.once('close', (code: number, reason: Buffer) =>
      resolve(describeClose(code, reason.toString('utf8'), refusedWith)),
    )
  })
}

/**
 * The close code ws sends when it refuses a frame itself, from its error's code (ws 8
 * lib/receiver.js: every createError names the status it closes with). ws then ends the connection
 * without reading the server's answer, so the 'close' event says 1006 and only the error tells.
 */
export function refusalCloseCode(error: unknown): number | undefined {
  const code = (error as {code?: unknown} | undefined)?.code
  if (typeof code !== 'string' || !code.startsWith('WS_ERR_')) return undefined
  switch (code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
    case 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH': {
      return 1009
    }

    case 'WS_ERR_INVALID_UTF8': {
      return 1007
    }

    case 'WS_ERR_TOO_MANY_BUFFERED_PARTS': {
      return 1008
    }

    default: {
      // Reserved bits, opcodes, masks, fragmented control frames, bad close codes: the framing is wrong.
      return 1002
    }
  }
}

/** Why a connection ended, always with the close code: `closed by the server: going away (1001)`. */
export function describeClose(code: number, reason: string, refusedWith?: number): string {
  if (refusedWith !== undefined) return `cfws refused a frame: ${nameOf(refusedWith)}`
  if (code === 1006) return 'dropped without a close frame (1006)'
  if (code === 1005) return 'closed by the server without a close code (1005)'
  if (code === 1000 && !reason) return 'the server ended the stream (1000)'
  // The reason is the server's text: it reaches stderr through cli/notice.ts's operatorLine, which
  // shows its control characters instead of executing them (stream/ does no rendering of its own).
  const shown = reason.trim()
  return `closed by the server: ${nameOf(code)}${shown ? `: ${shown}` : ''}`
}

function nameOf(code: number): string {
  const name = CLOSE_CODE_NAMES[code]
  return name ? `${name} (${code})` : `close code ${code}`
}
