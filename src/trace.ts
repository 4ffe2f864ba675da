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
const lastingSecrets = new Set<string>()
// Tokens, newest last: a run of weeks refreshes hundreds of them, so the oldest are forgotten and
// memory stays bounded. A refresh adds three (the access token with its `bearer` and without, the
// refresh token): this keeps sixteen refreshes, far longer than any of their tokens is valid.
const renewedSecrets = new Set<string>()
const MAX_RENEWED_SECRETS = 48
// Where each piece of PIECE_LENGTH characters first lies in a known secret; made again when one changes.
let secretPieces: Map<string, {secret: string; at: number}> | undefined
// Shorter values (cf's empty client secret) would hide ordinary words.
const MIN_SECRET_LENGTH = 4
// A piece of a known secret this long is hidden with as much of the secret as goes on alike after
// it: what a server echoes may have been cut short, at either end, by it or by cfws's own limit on
// an answer's body (a JWT's tail is its signature).
const PIECE_LENGTH = 12

/** Hides `secret` in everything cfws writes to stderr from now on: the client secret, the proxy password. */
export function hideSecret(secret: string | undefined): void {
  if (secret === undefined || secret.length < MIN_SECRET_LENGTH || lastingSecrets.has(secret)) return
  lastingSecrets.add(secret)
  secretPieces = undefined
}

/** As hideSecret, for a token: it counts among the newest MAX_RENEWED_SECRETS (anew, if it came back). */
export function hideRenewedSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH) return
  renewedSecrets.delete(secret)
  renewedSecrets.add(secret)
  if (renewedSecrets.size > MAX_RENEWED_SECRETS) renewedSecrets.delete(renewedSecrets.values().next().value!)
  secretPieces = undefined
}

function* knownSecrets(): Generator<string> {
  yield* lastingSecrets
  yield* renewedSecrets
}

// Whole secrets go first, whatever a pattern would make of them (a proxy password with an `@` in
// it); then the patterns; pieces of secrets last, so that none cuts a JWT the patterns hide whole.
export function redactSecrets(text: string): string {
  let redacted = text
  for (const secret of knownSecrets()) redacted = redacted.replaceAll(secret, HIDDEN)
  for (const [pattern, replacement] of SECRET_PATTERNS) redacted = redacted.replace(pattern, replacement)
  return hideSecretPieces(redacted)
}

function piecesOfSecrets(): Map<string, {secret: string; at: number}> {
  if (secretPieces) return secretPieces
  secretPieces = new Map()
  for (const secret of knownSecrets()) {
    for (let at = 0; at + PIECE_LENGTH <= secret.length; at++) {
      const piece = secret.slice(at, at + PIECE_LENGTH)
      if (!secretPieces.has(piece)) secretPieces.set(piece, {secret, at})
    }
  }

  return secretPieces
}

/**
 * Hides what is left of a known secret cut short: every run of text that holds PIECE_LENGTH
 * characters of one of them or more. A run is looked for from each character on and merged with
 * the last when they touch: where secrets share a piece (tokens of one issuer share their header),
 * the one it points to may part from the text sooner, and the next piece carries the run on.
 */
function hideSecretPieces(text: string): string {
  if (lastingSecrets.size + renewedSecrets.size === 0 || text.length < PIECE_LENGTH) return text
  const pieces = piecesOfSecrets()
  const runs: Array<[number, number]> = []
  for (let start = 0; start + PIECE_LENGTH <= text.length; start++) {
    const place = pieces.get(text.slice(start, start + PIECE_LENGTH))
    if (!place) continue
    const {secret, at} = place
    let end = start + PIECE_LENGTH
    while (end < text.length && at + end - start < secret.length && text[end] === secret[at + end - start]) end++
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
