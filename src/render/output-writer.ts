import {type CfwsError, networkErrorCode, OutputError} from '../errors.js'
import {ByteSink, SINK_CAPACITY} from './byte-sink.js'
import {DropQueue} from './drop-queue.js'

export interface OutputWriterOptions {
  /** Bound of what waits for stdout, in bytes (`--buffer-size`). */
  maxBufferedBytes: number
  /** Told how many lines were dropped, once the reader catches up again (or at the end). */
  onDropped: (lines: number) => void
  /** Told once when stdout is gone (EPIPE: the reader closed the pipe): stop streaming, exit 0. */
  onClosed: () => void
  /** Told once when stdout fails otherwise (ENOSPC, EIO): the run must end with this error. */
  onFailed: (error: CfwsError) => void
  /**
   * How long stdout may take nothing, while the gate is closed, before output is dropped instead;
   * infinite for output that may wait as long as the reader does (`--recent`).
   */
  stallMs?: number
  /**
   * Called before each write to stdout: a terminal that stdout shares with stderr must lose the
   * progress line first, or the output would be written onto its end.
   */
  beforeWrite?: () => void
}

// The Traffic Controller cuts a client that takes no frame for 5 s (PROTOCOL.md §5): a paused
// socket must be reading again well before that.
export const DEFAULT_STALL_MS = 2000
// What waits in stdout's own buffer before the socket is paused: enough that a pipe never runs dry
// while the socket resumes, small against --buffer-size.
const MAX_HIGH_WATER_BYTES = 1024 * 1024
const MIN_HIGH_WATER_BYTES = 16 * 1024
// Output goes to stdout in pieces of about this size, one message of many lines too: short of the
// sink's capacity by a line or two, so that the sink is handed over before it must grow. Spilling
// at the capacity made nearly every piece a buffer of twice the size and a copy, kept by no one,
// and garbage the collector had to mark: 20 apps at 261k lines/s took a tenth more CPU for it.
const SPILL_BYTES = SINK_CAPACITY - 8 * 1024
// Past this much output in one turn while stdout still has a queue, the rest of the socket's data
// waits for the next turn: libuv writes a pipe only between turns, and a long turn leaves the
// reader idle and the queue growing until the gate closes. Into `| wc -l` this took the firehose
// from 0.79 to 0.85-0.9 of its /dev/null rate; 64 KiB gave less, ending every turn less again.
const TURN_BYTES = 16 * 1024

/**
 * The stdout writer, and the gate that tells the stream whether to read its socket. Renderers write
 * into `sink`; what one turn of the event loop produced goes to stdout in one write. While stdout
 * takes data, nothing is lost: past a high-water mark the gate closes (the socket is paused, TCP
 * pushes back on the Traffic Controller) and it opens again below a low-water mark. Only when
 * stdout has taken nothing for `stallMs` does the gate open regardless, and new output waits in a
 * queue bounded by what is left of `maxBufferedBytes`, dropping its oldest lines, counted. While
 * stdout has a queue, the gate also closes for the rest of any turn that made TURN_BYTES of output.
 */
export class OutputWriter {
  /** This turn's output: renderers write into it, then call `schedule()`. */
  readonly sink = new ByteSink()
  private readonly highWaterBytes: number
  private readonly lowWaterBytes: number
  private readonly stallMs: number
  private readonly dropQueue: DropQueue
  private readonly gateListeners = new Set<(paused: boolean) => void>()
  private gatePaused = false
  private dropping = false
  private batchScheduled = false
  // Closed only until this turn's batch is written: see TURN_BYTES.
  private endingTurn = false
  private lastProgressMs = 0
  private stallTimer?: NodeJS.Timeout
  private ended: 'open' | 'closed' | 'failed' = 'open'
  // Writes whose callback has not run: a file's or /dev/full's write is done at once (writableLength
  // is back to 0) while its failure comes a tick later, and the run must not end before it does.
  private unsettledWrites = 0
  private readonly drainWaiters: Array<() => void> = []
  private readonly roomWaiters: Array<() => void> = []

  constructor(
    private readonly stream: NodeJS.WritableStream & {readonly writableLength: number},
    private readonly options: OutputWriterOptions,
  ) {
    this.highWaterBytes = Math.min(
      MAX_HIGH_WATER_BYTES,
      Math.max(MIN_HIGH_WATER_BYTES, Math.floor(options.maxBufferedBytes / 4)),
    )
    this.lowWaterBytes = Math.floor(this.highWaterBytes / 4)
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS
    this.dropQueue = new DropQueue(options.maxBufferedBytes)
    this.sink.spillAtBytes = SPILL_BYTES
    this.sink.onSpill = () => this.writeSink()
    stream.on('error', (error: Error) => this.onError(error))
  }

  /** Whether stdout is gone or failed: nothing more is written. */
  get closed(): boolean {
    return this.ended !== 'open'
  }

  /** The read gate: whether the stream should stop reading its socket for now. */
  get paused(): boolean {
    return this.gatePaused || this.endingTurn
  }

  onChange(listener: (paused: boolean) => void): () => void {
    this.gateListeners.add(listener)
    return () => this.gateListeners.delete(listener)
  }

  /** Bytes waiting for stdout: in stdout's own buffer, in the drop queue and in the sink. */
  get waitingBytes(): number {
    return this.stream.writableLength + this.dropQueue.bytes + this.sink.pos
  }

  /** Resolves once the gate is open: stdout has room, output is being dropped, or stdout is gone. */
  async room(): Promise<void> {
    if (this.gatePaused) await new Promise<void>((resolve) => this.roomWaiters.push(resolve))
  }

  /** Sends what the sink holds once this turn of the event loop is over, in one write. */
  schedule(): void {
    if (!this.paused && this.sink.pos >= TURN_BYTES && this.stream.writableLength > 0) {
      this.endingTurn = true
      this.tellGate(true)
    }

    if (this.batchScheduled) return
    this.batchScheduled = true
    setImmediate(() => {
      this.batchScheduled = false
      this.writeSink()
      if (!this.endingTurn) return
      this.endingTurn = false
      if (!this.gatePaused) this.tellGate(false)
    })
  }

  /**
   * Resolves once everything written so far has been handed to the OS, the reader is gone, or
   * `signal` aborts (a SIGTERM with stdout blocked must not wait forever).
   */
  async flush(signal?: AbortSignal): Promise<void> {
    this.writeSink()
    this.stopDropping()
    if (this.closed || this.unsettledWrites <= 0 || signal?.aborted) {
      this.reportDropped()
      return
    }

    await new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done)
        resolve()
      }

      this.drainWaiters.push(done)
      signal?.addEventListener('abort', done, {once: true})
    })
    this.reportDropped()
  }

  private writeSink(): void {
    if (this.sink.pos === 0) return
    const chunk = this.sink.take()
    if (this.closed) return
    if (this.dropping) {
      this.dropQueue.push(chunk, this.options.maxBufferedBytes - this.stream.writableLength)
      this.sink.recycle(chunk)
      return
    }

    this.send(chunk, (error?: Error | null) => this.onWritten(chunk, error))
    if (this.stream.writableLength >= this.highWaterBytes) this.setPaused(true)
  }

  /** A write's callback: `chunk` is the sink's own, to reuse, or undefined for the drop queue's. */
  private onWritten(chunk: Buffer | undefined, error?: Error | null): void {
    this.unsettledWrites--
    if (error) return
    if (chunk) this.sink.recycle(chunk)
    this.lastProgressMs = performance.now()
    // stdout took something: whatever was dropping catches up behind what it holds.
    if (this.dropping) this.stopDropping()
    if (this.gatePaused && this.stream.writableLength <= this.lowWaterBytes) this.setPaused(false)
    if (this.unsettledWrites <= 0) {
      this.reportDropped()
      for (const resolve of this.drainWaiters.splice(0)) resolve()
    }
  }

  private setPaused(paused: boolean): void {
    if (paused === this.gatePaused) return
    this.gatePaused = paused
    if (paused) this.watchForStall()
    else clearTimeout(this.stallTimer)
    if (!this.endingTurn) this.tellGate(paused)
    if (!paused) for (const resolve of this.roomWaiters.splice(0)) resolve()
  }

  private tellGate(paused: boolean): void {
    for (const listener of this.gateListeners) listener(paused)
  }

  private watchForStall(): void {
    if (this.stallMs === Number.POSITIVE_INFINITY) return
    // Stalled means nothing taken since the later of the pause and the last write that went out.
    this.lastProgressMs = performance.now()
    const check = (): void => {
      if (!this.gatePaused) return
      const idleMs = performance.now() - this.lastProgressMs
      if (idleMs >= this.stallMs) this.startDropping()
      else this.stallTimer = setTimeout(check, this.stallMs - idleMs).unref()
    }

    this.stallTimer = setTimeout(check, this.stallMs).unref()
  }

  private startDropping(): void {
    this.dropping = true
    this.setPaused(false)
  }

  private stopDropping(): void {
    if (!this.dropping) return
    this.dropping = false
    for (const queued of this.dropQueue.drain()) this.send(queued, (error) => this.onWritten(undefined, error))
    if (this.stream.writableLength >= this.highWaterBytes) this.setPaused(true)
  }

  // A file or /dev/full as stdout is written synchronously: its failure is thrown, or (Node 20's
  // SyncWriteStream) given to the callback and emitted a tick later. `onWritten` ends every
  // callback: it counts the write settled.
  private send(chunk: Buffer, callback: (error?: Error | null) => void): void {
    this.unsettledWrites++
    this.options.beforeWrite?.()
    try {
      this.stream.write(chunk, callback)
    } catch (error) {
      // Not written, and its callback is not called: the run ends here (this.closed from now on).
      this.unsettledWrites--
      this.onError(error as Error)
    }
  }

  // EPIPE is the usual case (`| head`): the reader is gone and that is the end, quietly.
  private onError(error: Error): void {
    if (this.closed) return
    this.ended = (error as {code?: string}).code === 'EPIPE' ? 'closed' : 'failed'
    this.dropping = false
    this.sink.pos = 0
    this.dropQueue.drain()
    clearTimeout(this.stallTimer)
    this.setPaused(false)
    for (const resolve of this.drainWaiters.splice(0)) resolve()
    if (this.ended === 'closed') this.options.onClosed()
    else this.options.onFailed(stdoutFailed(error))
  }

  private reportDropped(): void {
    const lines = this.dropQueue.takeDroppedLines()
    if (lines > 0) this.options.onDropped(lines)
  }
}

function stdoutFailed(cause: Error): CfwsError {
  const code = networkErrorCode(cause) ?? cause.message
  return new OutputError('STDOUT_FAILED', `Cannot write to stdout (${code}): stopped`, {
    cause,
    hint:
      code === 'ENOSPC'
        ? 'The device stdout goes to is full: free some space, or send the output elsewhere.'
        : 'Check where stdout goes: a file, a pipe or a terminal that can be written.',
  })
}
