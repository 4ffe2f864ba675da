/** One line for the operator on stderr, never on stdout (STYLE.md "Streams and output"). */
export function notice(text: string): void {
  process.stderr.write(`cfws: ${text}\n`)
}
