import {keepTokenFresh} from '../cf/token-keeper.js'
import {ExitCode} from '../errors.js'
import type {FrameRenderer} from '../render/firehose.js'
import {OutputWriter} from '../render/output-writer.js'
import type {StreamKind} from '../stream/handshake-failure.js'
import {DEFAULT_RETRY, tailStream} from '../stream/tail.js'
import type {StreamSettings} from './flags.js'
import type {Session} from './session.js'

// noaa's handshake timeout (PROTOCOL.md §5).
const HANDSHAKE_TIMEOUT_MS = 10_000
const TOKEN_RETRY = {retryDelayMs: 5000, maxRetryDelayMs: 60_000}

export interface StreamRun {
  session: Session
  url: URL
  kind: StreamKind
  settings: StreamSettings
  renderFrame: FrameRenderer
  /**
   * After a reconnect: what was missed while disconnected, as text for stdout. Frames of the new
   * connection wait until it is written, so the output stays in order.
   */
  fillGap?: () => Promise<string>
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
  // Frames of a new connection wait here while the gap before it is filled.
  let held: Buffer[] | undefined
  const handleFrame = (frame: Buffer): void => {
    if (writer.closed) return
    const undecodableReason = run.renderFrame(frame, writer.sink)
    writer.schedule()
    if (undecodableReason !== undefined && ++undecodable === 1) {
      notice(`skipped a frame that is not a dropsonde envelope (${undecodableReason}); further ones are counted`)
    }
  }

  const releaseHeld = (): void => {
    const frames = held ?? []
    held = undefined
    for (const frame of frames) handleFrame(frame)
  }

  let gapFilled = Promise.resolve()
  let tokenFailure: unknown
  const keeper = keepTokenFresh(run.session.tokens, {...TOKEN_RETRY, signal: controller.signal, onNotice: notice}).catch((error: unknown) => {
    tokenFailure = error
    controller.abort()
  })
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
      onFrame: (frame) => (held ? held.push(frame) : handleFrame(frame)),
      onConnectionChange(state) {
        if (!run.fillGap) return
        if (state === 'lost') {
          held = []
          return
        }

        gapFilled = run
          .fillGap()
          .then((text) => writer.write(text), (error: unknown) => notice(`could not backfill the gap: ${error instanceof Error ? error.message : String(error)}`))
          .finally(releaseHeld)
      },
    })
  } finally {
    controller.abort()
    await keeper
    await gapFilled
    releaseHeld()
    // The signal handlers stay through the flush: a second Ctrl-C must still exit at once.
    await writer.flush()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    if (undecodable > 1) notice(`skipped ${undecodable} frames that were not dropsonde envelopes`)
  }

  if (tokenFailure) throw tokenFailure
  return exitCode
}
