import {keepTokenFresh} from '../cf/token-keeper.js'
import {CfwsError, ExitCode, messageOf, SIGNAL_EXIT_CODES} from '../errors.js'
import type {FrameRenderer} from '../render/firehose.js'
import {OutputWriter} from '../render/output-writer.js'
import type {StreamKind} from '../stream/handshake-failure.js'
import {ReconnectBackfill} from '../stream/reconnect-backfill.js'
import {DEFAULT_RETRY, tailStream} from '../stream/tail.js'
import {reportFailure} from './base-command.js'
import type {StreamSettings} from './flags.js'
import type {GapOutput} from './log-gap.js'
import {clearProgressBeforeStdout, info, labelled, notice} from './notice.js'
import type {Session} from './session.js'

// noaa's handshake timeout (PROTOCOL.md §5).
const HANDSHAKE_TIMEOUT_MS = 10_000
const TOKEN_RETRY = {retryDelayMs: 5000, maxRetryDelayMs: 60_000}
// After SIGINT/SIGTERM, how long lines already received may take to reach a blocked stdout:
// systemd and `docker stop` wait 10 s before SIGKILL.
const SIGNAL_FLUSH_MS = 2000

export interface StreamRun {
  session: Session
  kind: StreamKind
  settings: StreamSettings
  /** Ends the run (a signal, a closed stdout); the session's requests were opened with its signal. */
  stop: AbortController
  /**
   * Starts the run's streams, each with `tail`, and resolves once every one ended (the run's stop
   * ends them all); whatever it holds back is written into `output` before it resolves.
   */
  streams: (tail: (stream: TailedStream) => Promise<void>, output: OutputWriter) => Promise<void>
  /** Said on stderr once the run's first connection is open (silenced by --quiet). */
  startNotice?: () => string
  /** `--for`: the run ends by itself, with exit 0, after this long. */
  forMs?: number
}

/** One WebSocket of the run: an app's stream or the firehose, reconnected on its own. */
export interface TailedStream {
  url: URL
  renderFrame: FrameRenderer
  /**
   * After a reconnect: writes what was missed while disconnected into `output`. Frames of the new
   * connection wait until it is done, so the output stays in order.
   */
  fillGap?: (output: GapOutput, signal: AbortSignal) => Promise<void>
  /** The first connection's frames wait for a fill too (history before the live lines). */
  fillFirst?: boolean
  /**
   * Ends this stream alone (its app left the space); it must abort when the run's `stop` does too,
   * as tailApps' signals do (it is given in place of `stop`'s).
   */
  signal?: AbortSignal
  /** Said before this stream's notices when several share the output: the app's name. */
  label?: string
}

/**
 * Joins the run's streams to one stdout, behind one set of signal handlers, one token keeper and
 * one `--for`: decode, render, write. Ends with 0 when the reader closed the pipe
 * or the run ended by itself (`--for`, or `stop` aborted by `--max-lines`),
 * 130/143 on SIGINT/SIGTERM (after a clean close and a flush of at most SIGNAL_FLUSH_MS), or
 * rethrows a stream's final error after flushing every line already received.
 */
export async function runStream(run: StreamRun): Promise<number> {
  const controller = run.stop
  const flushLimit = new AbortController()
  let exitCode: number = ExitCode.ok
  let outputFailure: CfwsError | undefined
  let undecodable = 0
  const writer = new OutputWriter(process.stdout, {
    maxBufferedBytes: run.settings.maxBufferedBytes,
    beforeWrite: clearProgressBeforeStdout(),
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
  const onUndecodable = (reason: string): void => {
    if (++undecodable === 1)
      notice(`skipped a frame that is not a dropsonde envelope (${reason}); further ones are counted`)
  }

  let started = false
  const onStarted = (): void => {
    if (started) return
    started = true
    if (run.startNotice) info(run.startNotice())
  }

  let tokenFailure: {error: unknown} | undefined
  const keeper = keepTokenFresh(run.session.tokens, {
    ...TOKEN_RETRY,
    signal: controller.signal,
    onNotice: notice,
  }).catch((error: unknown) => {
    tokenFailure = {error}
    controller.abort()
  })
  let streamFailure: Error | undefined
  try {
    const backfills = new Set<ReconnectBackfill>()
    await run.streams(async (stream) => tailOne(stream, {run, writer, backfills, onUndecodable, onStarted}), writer)
  } catch (error) {
    streamFailure = error instanceof Error ? error : new Error(String(error))
  } finally {
    clearTimeout(timeUp)
    controller.abort()
    await keeper
    // The signal handlers stay through the flush: a second Ctrl-C must still exit at once.
    await writer.flush(flushLimit.signal)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    if (undecodable > 1) notice(`skipped ${undecodable} frames that were not dropsonde envelopes`)
  }

  if (exitCode !== ExitCode.ok && streamFailure !== undefined) {
    // The stream had failed and its lines waited for stdout when the signal came: say why it had
    // ended, and end as a signal does (the command is not left to print it and wait again).
    if (!(streamFailure instanceof CfwsError && streamFailure.code === 'ABORTED'))
      reportFailure(streamFailure, run.kind === 'app' ? 'logs' : 'firehose')
    streamFailure = undefined
  }

  // A blocked stdout keeps what it still holds, and the process with it: a signal ends both.
  if (exitCode !== ExitCode.ok && writer.waitingBytes > 0) process.exit(exitCode)
  if (streamFailure !== undefined) throw streamFailure
  if (outputFailure) throw outputFailure
  if (tokenFailure) throw tokenFailure.error
  return exitCode
}

interface TailContext {
  run: StreamRun
  writer: OutputWriter
  /** Every stream's, so that what they hold together stays within --buffer-size. */
  backfills: Set<ReconnectBackfill>
  onUndecodable: (reason: string) => void
  onStarted: () => void
}

/** One stream to the writer: decode, render, write; its gaps filled in order; every held frame delivered at its end. */
async function tailOne(
  stream: TailedStream,
  {run, writer, backfills, onUndecodable, onStarted}: TailContext,
): Promise<void> {
  const handleFrame = (frame: Buffer): void => {
    if (writer.closed) return
    const undecodableReason = stream.renderFrame(frame, writer.sink)
    writer.schedule()
    if (undecodableReason !== undefined) onUndecodable(undecodableReason)
  }

  const {fillGap} = stream
  const backfill: ReconnectBackfill | undefined = fillGap
    ? new ReconnectBackfill({
        deliver: handleFrame,
        fill: async (signal) => fillGap(writer, signal),
        heldBytesAllowed: (): number =>
          run.settings.maxBufferedBytes - writer.waitingBytes - heldByOthers(backfills, backfill),
        onDropped: (frames) =>
          notice(
            labelled(stream.label, `dropped ${frames} lines received while the gap was backfilled (--buffer-size)`),
          ),
        onFillFailed: (error) => notice(labelled(stream.label, `could not backfill the gap: ${messageOf(error)}`)),
      })
    : undefined
  if (backfill) backfills.add(backfill)
  try {
    await tailStream({
      url: stream.url,
      kind: run.kind,
      tokens: run.session.tokens,
      verifyTls: run.session.verifyTls,
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      idleTimeoutMs: run.settings.idleTimeoutMs,
      retry: {...DEFAULT_RETRY, maxRetries: run.settings.maxRetries},
      signal: stream.signal ?? run.stop.signal,
      readGate: writer,
      onNotice: (text) => info(labelled(stream.label, text)),
      onFrame: backfill ? (frame) => backfill.frame(frame) : handleFrame,
      onConnectionChange(state) {
        if (state === 'connected') onStarted()
        if (state === 'reconnected' || (state === 'connected' && stream.fillFirst)) backfill?.gap()
      },
    })
  } finally {
    await backfill?.finish()
    if (backfill) backfills.delete(backfill)
  }
}

function heldByOthers(backfills: ReadonlySet<ReconnectBackfill>, own: ReconnectBackfill | undefined): number {
  let bytes = 0
  for (const backfill of backfills) if (backfill !== own) bytes += backfill.heldBytes
  return bytes
}
