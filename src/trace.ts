/**
 * The CFWS_DEBUG=1 trace of HTTP and WebSocket handshakes on stderr. Whatever passes through here
 * is redacted first: a token never reaches the terminal, even in debug output.
 */
const HIDDEN = '[PRIVATE DATA HIDDEN]'
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(bearer|basic)\s+[\w.~+/=-]+/gi, `$1 ${HIDDEN}`],
  [/((?:access_token|refresh_token|client_secret|password)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi, `$1${HIDDEN}`],
  [/(\/\/)[^/@\s:]+:[^/@\s]+@/g, `$1${HIDDEN}@`],
]

export function redactSecrets(text: string): string {
  let redacted = text
  for (const [pattern, replacement] of SECRET_PATTERNS) redacted = redacted.replace(pattern, replacement)
  return redacted
}

export function isDebugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CFWS_DEBUG) && env.CFWS_DEBUG !== '0' && env.CFWS_DEBUG !== 'false'
}

export function trace(line: string): void {
  if (isDebugEnabled()) process.stderr.write(`[debug] ${redactSecrets(line)}\n`)
}

export function traceHeaders(direction: '>' | '<', headers: Record<string, unknown>): void {
  if (!isDebugEnabled()) return
  for (const [name, value] of Object.entries(headers)) {
    const shown = /^(authorization|proxy-authorization|cookie|set-cookie)$/i.test(name) ? HIDDEN : String(value)
    trace(`${direction} ${name}: ${shown}`)
  }
}
