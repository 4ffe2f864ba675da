import {keepTokenFresh} from '../cf/token-keeper.js'
import {type CfwsError, ExitCode} from '../errors.js'
import type {FrameRenderer} from '../render/firehose.js'
import {OutputWriter} from '../render/output-writer.js'
import type {StreamKind} from '../stream/handshake-failure.js'
import {ReconnectBackfill} from '../stream/reconnect-backfill.js'
import {DEFAULT_RETRY, tailStream} from '../stream/tail.js'
import type {StreamSettings} from './flags.js'
import type {GapOutput} from './log-gap.js'
import {info, notice} from './notice.js'
import type {Session} from './session.js'

// noaa's handshake timeout (PROTOCOL.md §5).
const HANDSHAKE_TIMEOUT_MS = 10_000
const TOKEN_RETRY = {retryDelayMs: 5000, maxRetryDelayMs: 60_000}
// After SIGINT/SIGTERM, how long lines already received may take to reach a blocked stdout:
// systemd and `docker stop` wait 10 s before SIGKILL.
const SIGNAL_FLUSH_MS = 2000

export interface StreamRun {
  session: Session
  url: URL
  kind: StreamKind
  settings: StreamSettings
  renderFrame: FrameRenderer
  /** Ends the run (a signal, a closed stdout); the session's requests were opened with its signal. */
  stop: AbortController
  /**
   * After a reconnect: writes what was missed while disconnected into `output`. Frames of the new
   * connection wait until it is done, so the output stays in order.
   */
  fillGap?: (output: GapOutput, signal: AbortSignal) => Promise<void>
  /** The first connection's frames wait for a fill too (history before the live lines). */
  fillFirst?: boolean
  /** Said on stderr once the first connection is open (silenced by --quiet). */
  startNotice?: string
  /** `--for`: the run ends by itself, with exit 0, after this long. */
  forMs?: number
}

const SIGNAL_EXIT_CODES = {SIGINT: ExitCode.sigint, SIGTERM: ExitCode.sigterm} as const

/**
 * Joins the stream to stdout: decode, render, write. Ends with 0 when the reader closed the pipe
 * or the run ended by itself (`--for`, or `stop` aborted by `--max-lines`),
 * 130/143 on SIGINT/SIGTERM (after a clean close and a flush of at most SIGNAL_FLUSH_MS), or
 * rethrows the stream's final error after flushing every line already received.
 */
export async function runStream(run: StreamRun): Promise<number> {
  const controller = run.stop
  const flushLimit = new AbortController()
  let exitCode: number = ExitCode.ok
  let outputFailure: CfwsError | undefined
  let undecodable = 0
  const writer = new OutputWriter(process.stdout, {
    maxBufferedBytes: run.settings.maxBufferedBytes,
    onDropped: (lines) => notice(`dropped ${lines} lines: stdout was slower than the stream (--buffer-size)`),
    onClosed: () => controller.abort(),
    onFailed(error) {
      outputFailure = error
      controller.abort()
    },
  })

  const onSignal = (signal: keyof typeof SIGNAL_EXIT_CODES): void => {
    // A second signal exits at once; the first one still flushes (for at most SIGNAL_FLUSH_MS),
    // even when it comes while the run already ended and waits for stdout.
    if (exitCode !== ExitCode.ok) process.exit(SIGNAL_EXIT_CODES[signal])
    exitCode = SIGNAL_EXIT_CODES[signal]
    controller.abort()
    setTimeout(() => flushLimit.abort(), SIGNAL_FLUSH_MS).unref()
  }

  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const timeUp = run.forMs === undefined ? undefined : setTimeout(() => controller.abort(), run.forMs)
  const handleFrame = (frame: Buffer): void => {
    if (writer.closed) return
    const undecodableReason = run.renderFrame(frame, writer.sink)
    writer.schedule()
    if (undecodableReason !== undefined && ++undecodable === 1) {
      notice(`skipped a frame that is not a dropsonde envelope (${undecodableReason}); further ones are counted`)
    }
  }

  const {fillGap} = run
  const backfill = fillGap
    ? new ReconnectBackfill({
        deliver: handleFrame,
        fill: async (signal) => fillGap(writer, signal),
        heldBytesAllowed: () => run.settings.maxBufferedBytes - writer.waitingBytes,
        onDropped: (frames) => notice(`dropped ${frames} lines received while the gap was backfilled (--buffer-size)`),
        onFillFailed: (error) => notice(`could not backfill the gap: ${error instanceof Error ? error.message : String(error)}`),
      })
    : undefined

  let tokenFailure: {error: unknown} | undefined
  const keeper = keepTokenFresh(run.session.tokens, {...TOKEN_RETRY, signal: controller.signal, onNotice: notice}).catch((error: unknown) => {
    tokenFailure = {error}
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
      readGate: writer,
      onNotice: info,
      onFrame: backfill ? (frame) => backfill.frame(frame) : handleFrame,
      onConnectionChange(state) {
        if (state === 'connected' && run.startNotice !== undefined) info(run.startNotice)
        if (state === 'reconnected' || (state === 'connected' && run.fillFirst)) backfill?.gap()
      },
    })
  } finally {
    clearTimeout(timeUp)
    controller.abort()
    await keeper
    await backfill?.finish()
    // The signal handlers stay through the flush: a second Ctrl-C must still exit at once.
    await writer.flush(flushLimit.signal)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    if (undecodable > 1) notice(`skipped ${undecodable} frames that were not dropsonde envelopes`)
  }

  // A blocked stdout keeps what it still holds, and the process with it: a signal ends both.
  if (exitCode !== ExitCode.ok && writer.waitingBytes > 0) process.exit(exitCode)
  if (outputFailure) throw outputFailure
  if (tokenFailure) throw tokenFailure.error
  return exitCode
}
