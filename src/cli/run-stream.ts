import {decodeEnvelope} from '../envelope/decode.js'
import type {Envelope} from '../envelope/types.js'
import {ExitCode} from '../errors.js'
import {OutputWriter} from '../render/output-writer.js'
import type {StreamKind} from '../stream/handshake-failure.js'
import {DEFAULT_RETRY, tailStream} from '../stream/tail.js'
import type {StreamSettings} from './flags.js'
import type {Session} from './session.js'

// noaa's handshake timeout (PROTOCOL.md §5).
const HANDSHAKE_TIMEOUT_MS = 10_000

export interface StreamRun {
  session: Session
  url: URL
  kind: StreamKind
  settings: StreamSettings
  /** The text for stdout of one envelope, or undefined to leave it out. */
  render: (envelope: Envelope) => string | undefined
}

export function notice(text: string): void {
  process.stderr.write(`cfws: ${text}\n`)
}

const SIGNAL_EXIT_CODES = {SIGINT: ExitCode.sigint, SIGTERM: ExitCode.sigterm} as const

/**
 * Joins the stream to stdout: decode, render, write. Ends with 0 when the reader closed the pipe,
 * 130/143 on SIGINT/SIGTERM (after a clean close and a flush), or rethrows the stream's final error
 * after flushing every line already received.
 */
export async function runStream(run: StreamRun): Promise<number> {
  const controller = new AbortController()
  let exitCode: number = ExitCode.ok
  let undecodable = 0
  const writer = new OutputWriter(process.stdout, {
    maxBufferedBytes: run.settings.maxBufferedBytes,
    onDropped: (lines) => notice(`dropped ${lines} lines: stdout was slower than the stream (--buffer-size)`),
    onClosed: () => controller.abort(),
  })

  const onSignal = (signal: keyof typeof SIGNAL_EXIT_CODES): void => {
    if (controller.signal.aborted) process.exit(SIGNAL_EXIT_CODES[signal])
    exitCode = SIGNAL_EXIT_CODES[signal]
    controller.abort()
  }

  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    await tailStream({
      url: run.url,
      kind: run.kind,
      tokens: run.session.tokens,
      verifyTls: run.session.verifyTls,
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      idleTimeoutMs: run.settings.idleTimeoutMs,
      retry: {...DEFAULT_RETRY, maxRetries: run.settings.maxRetries},
      signal: controller.signal,
      onNotice: notice,
      onFrame(frame) {
        const decoded = decodeEnvelope(frame)
        if (!decoded.ok) {
          if (++undecodable === 1) notice(`skipped a frame that is not a dropsonde envelope (${decoded.reason}); further ones are counted`)
          return
        }

        const text = run.render(decoded.envelope)
        if (text !== undefined) writer.write(text)
      },
    })
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await writer.flush()
    if (undecodable > 1) notice(`skipped ${undecodable} frames that were not dropsonde envelopes`)
  }

  return exitCode
}
