import {logEnvelope, T0} from './envelopes.js'

/** One second in nanoseconds, as envelopes count time. */
export const S = 1_000_000_000n

/** A log frame `seconds` after T0. */
export const at = (seconds: number, text: string): Uint8Array =>
  logEnvelope(text, {timestamp: T0 + BigInt(seconds) * S})

/** The line `cfws logs` prints for `at(seconds, text)`, with TZ=UTC as run-cli sets it. */
export const line = (seconds: number, text: string): string =>
  `2025-11-24T09:46:${47 + seconds}.12+0000 [APP/PROC/WEB/0] OUT ${text}`
