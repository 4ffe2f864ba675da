/**
 * The CFWS_DEBUG=1 trace of HTTP and WebSocket handshakes on stderr. Whatever passes through here
 * is redacted first: a token never reaches the terminal, even in debug output.
 */
import {visibleControls} from './render/visible-controls.js'

const HIDDEN = '[PRIVATE DATA HIDDEN]'
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // A JWT in any form a server may echo it, whole or cut short (a close reason holds 123 bytes): a
  // base64url JSON object (`eyJ`, the header's or the payload's) and what follows it, even inside
  // other text (`bearer%20eyJ…`) or with its dots gone; or three long base64url parts.
  [/eyJ[\w-]{8,}(?:\.[\w-]*){0,2}/g, HIDDEN],
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
// A known secret's start this long is hidden with as much of the rest as follows it: what a server
// echoes may have been cut short, by it or by cfws's own limit on an answer's body.
const SECRET_PREFIX_LENGTH = 12

/** Hides `secret` in everything cfws writes to stderr from now on: a token, the client secret, the proxy password. */
export function hideSecret(secret: string | undefined): void {
  if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) knownSecrets.add(secret)
}

// Whole secrets go first, whatever a pattern would make of them (a proxy password with an `@` in
// it); then the patterns; the starts of secrets last, so that none cuts a JWT the patterns hide whole.
export function redactSecrets(text: string): string {
  let redacted = text
  for (const secret of knownSecrets) redacted = redacted.replaceAll(secret, HIDDEN)
  for (const [pattern, replacement] of SECRET_PATTERNS) redacted = redacted.replace(pattern, replacement)
  return hideSecretStarts(redacted)
}

/**
 * Hides what is left of a known secret cut short: every run of text that begins as one of them
 * does for SECRET_PREFIX_LENGTH characters or more, as far as it goes on alike. The runs of every
 * secret are hidden together, so that one secret's start found inside another's leaves none of it.
 */
function hideSecretStarts(text: string): string {
  const runs: Array<[number, number]> = []
  for (const secret of knownSecrets) {
    if (secret.length <= SECRET_PREFIX_LENGTH) continue
    const prefix = secret.slice(0, SECRET_PREFIX_LENGTH)
    for (let at = text.indexOf(prefix); at !== -1; at = text.indexOf(prefix, at + 1)) {
      let end = at + SECRET_PREFIX_LENGTH
      while (end < text.length && end - at < secret.length && text[end] === secret[end - at]) end++
      runs.push([at, end])
    }
  }

  if (runs.length === 0) return text
  runs.sort((a, b) => a[0] - b[0])
  const merged: Array<[number, number]> = []
  for (const [start, end] of runs) {
    const last = merged.at(-1)
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else merged.push([start, end])
  }

  let hidden = ''
  let from = 0
  for (const [start, end] of merged) {
    hidden += `${text.slice(from, start)}${HIDDEN}`
    from = end
  }

  return hidden + text.slice(from)
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
