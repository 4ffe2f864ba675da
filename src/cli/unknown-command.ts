import {ExitCode} from '../errors.js'

/**
 * `cfws bogus`, `cfws log myapp`, `cfws help bogus`: one `cfws:` line naming the word, a hint with
 * the command it most likely meant, exit 2 (../shared/CLI.md "Errors and exit codes").
 */
export function reportUnknownCommand(word: string, commandIds: readonly string[]): void {
  const [message, hint] = word.startsWith('-')
    ? [
        `unknown flag "${word}" before any command`,
        "Give the command first (cfws logs APP --json); 'cfws --help' lists the commands.",
      ]
    : [`unknown command "${word}"`, withSuggestion(closestCommand(word, commandIds))]
  process.stderr.write(`cfws: ${message}\nhint: ${hint}\n`)
  process.exitCode = ExitCode.usage
}

function withSuggestion(meant: string | undefined): string {
  return `${meant ? `Did you mean "${meant}"? ` : ''}'cfws --help' lists the commands.`
}

/**
 * The command that starts with `word` (`fire` → `firehose`), or is one edit from it per three
 * letters (`log` → `logs`, `fierhose` → `firehose`, but not `bogus` → `logs`).
 */
export function closestCommand(word: string, commandIds: readonly string[]): string | undefined {
  const typed = word.toLowerCase()
  let best: {id: string; distance: number} | undefined
  for (const id of commandIds) {
    const distance = typed.length >= 2 && id.startsWith(typed) ? 0 : editDistance(typed, id)
    const allowed = Math.floor(Math.max(typed.length, id.length) / 3)
    if (distance <= allowed && (!best || distance < best.distance)) best = {id, distance}
  }

  return best?.id
}

/** Levenshtein distance, counting a swap of two neighbours as one edit (`hlep` → `help`). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({length: a.length + 1}, (_, i) =>
    Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1)
    }
  }

  return rows[a.length][b.length]
}
