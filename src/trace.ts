/**
 * The CFWS_DEBUG=1 trace of HTTP and WebSocket handshakes on stderr. Whatever passes through here
 * is redacted first: a token never reaches the terminal, even in debug output.
 */
import {visibleControls} from './render/visible-controls.js'

const HIDDEN = '[PRIVATE DATA HIDDEN]'
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // A JWT in any form a server may echo it: a header that is a JSON object (`eyJ`), or three long base64url parts.
  [/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, HIDDEN],
  [/\b[\w-]{16,}\.[\w-]{16,}\.[\w-]{16,}/g, HIDDEN],
  [/\b(bearer|basic)\s+[\w.~+/=-]+/gi, `$1 ${HIDDEN}`],
  [/((?:access_token|refresh_token|client_secret|password)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi, `$1${HIDDEN}`],
  [/(\/\/)[^/@\s:]+:[^/@\s]+@/g, `$1${HIDDEN}@`],
]

// The secrets of this run, hidden wherever they appear, whatever their shape. Written while a
// session opens and on each refresh, read only when something goes to stderr: off the hot path.
const knownSecrets = new Set<string>()
// Shorter values (cf's empty client secret) would hide ordinary words.
const MIN_SECRET_LENGTH = 4

/** Hides `secret` in everything cfws writes to stderr from now on: a token, the client secret, the proxy password. */
export function hideSecret(secret: string | undefined): void {
  if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) knownSecrets.add(secret)
}

export function redactSecrets(text: string): string {
  let redacted = text
  for (const secret of knownSecrets) redacted = redacted.replaceAll(secret, HIDDEN)
  for (const [pattern, replacement] of SECRET_PATTERNS) redacted = redacted.replace(pattern, replacement)
  return redacted
}

export function isDebugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CFWS_DEBUG) && env.CFWS_DEBUG !== '0' && env.CFWS_DEBUG !== 'false'
}

export function trace(line: string): void {
  if (isDebugEnabled()) process.stderr.write(`[debug] ${visibleControls(redactSecrets(line))}\n`)
}

export function traceHeaders(direction: '>' | '<', headers: Record<string, unknown>): void {
  if (!isDebugEnabled()) return
  for (const [name, value] of Object.entries(headers)) {
    const shown = /^(authorization|proxy-authorization|cookie|set-cookie)$/i.test(name) ? HIDDEN : String(value)
    trace(`${direction} ${name}: ${shown}`)
  }
}
