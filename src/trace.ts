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
// Where each piece of PIECE_LENGTH characters lies in the known secrets; made again when one is added.
let secretPieces: Map<string, Array<{secret: string; at: number}>> | undefined
// Shorter values (cf's empty client secret) would hide ordinary words.
const MIN_SECRET_LENGTH = 4
// A piece of a known secret this long is hidden with as much of the secret as goes on alike around
// it: what a server echoes may have been cut short, at either end, by it or by cfws's own limit on
// an answer's body (a JWT's tail is its signature).
const PIECE_LENGTH = 12

/** Hides `secret` in everything cfws writes to stderr from now on: a token, the client secret, the proxy password. */
export function hideSecret(secret: string | undefined): void {
  if (secret === undefined || secret.length < MIN_SECRET_LENGTH || knownSecrets.has(secret)) return
  knownSecrets.add(secret)
  secretPieces = undefined
}

// Whole secrets go first, whatever a pattern would make of them (a proxy password with an `@` in
// it); then the patterns; pieces of secrets last, so that none cuts a JWT the patterns hide whole.
export function redactSecrets(text: string): string {
  let redacted = text
  for (const secret of knownSecrets) redacted = redacted.replaceAll(secret, HIDDEN)
  for (const [pattern, replacement] of SECRET_PATTERNS) redacted = redacted.replace(pattern, replacement)
  return hideSecretPieces(redacted)
}

function piecesOfSecrets(): Map<string, Array<{secret: string; at: number}>> {
  if (secretPieces) return secretPieces
  secretPieces = new Map()
  for (const secret of knownSecrets) {
    for (let at = 0; at + PIECE_LENGTH <= secret.length; at++) {
      const piece = secret.slice(at, at + PIECE_LENGTH)
      const places = secretPieces.get(piece)
      if (places) places.push({secret, at})
      else secretPieces.set(piece, [{secret, at}])
    }
  }

  return secretPieces
}

/**
 * Hides what is left of a known secret cut short: every run of text that holds PIECE_LENGTH
 * characters of one of them or more, as far as it goes on alike. A run is looked for from each
 * character on, so that one secret's piece found inside another's leaves none of it.
 */
function hideSecretPieces(text: string): string {
  if (knownSecrets.size === 0 || text.length < PIECE_LENGTH) return text
  const pieces = piecesOfSecrets()
  // Runs found left to right, each merged into the last when they touch or overlap.
  const runs: Array<[number, number]> = []
  for (let start = 0; start + PIECE_LENGTH <= text.length; start++) {
    const places = pieces.get(text.slice(start, start + PIECE_LENGTH))
    if (!places) continue
    let end = start + PIECE_LENGTH
    for (const {secret, at} of places) {
      let alike = end
      while (alike < text.length && at + alike - start < secret.length && text[alike] === secret[at + alike - start])
        alike++
      end = Math.max(end, alike)
    }

    const last = runs.at(-1)
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else runs.push([start, end])
  }

  let hidden = ''
  let from = 0
  for (const [start, end] of runs) {
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
