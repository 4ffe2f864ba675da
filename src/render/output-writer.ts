import {ByteSink} from './byte-sink.js'

export interface OutputWriterOptions {
  /** Bound of what waits for a slow stdout, in bytes (`--buffer-size`). */
  maxBufferedBytes: number
  /** Told how many lines were dropped, once the reader catches up again (or at the end). */
  onDropped: (lines: number) => void
  /** Told once when stdout is gone (EPIPE: the reader closed the pipe): stop streaming, exit 0. */
  onClosed: () => void
}

/**
 * The stdout writer. It never blocks the socket: what the stream produces within one turn of the
 * event loop goes out in one `write()`; while stdout is not draining, output waits in a queue bounded
 * in bytes whose oldest entries are dropped and counted (the Traffic Controller cuts a client that
 * stops reading for 5 s, PROTOCOL.md §5, so pausing the socket is not an option).
 */
export class OutputWriter {
  /** This turn's output: renderers write into it, then call `schedule()`. */
  readonly sink = new ByteSink()
  private batchScheduled = false
  private readonly queue: Buffer[] = []
  private queueHead = 0
  private queuedBytes = 0
  private blocked = false
  private droppedLines = 0
  private closedByReader = false
  private readonly drainWaiters: Array<() => void> = []

  constructor(private readonly stream: NodeJS.WritableStream, private readonly options: OutputWriterOptions) {
    stream.on('drain', () => this.onDrain())
    stream.on('error', () => this.onError())
  }

  get closed(): boolean {
    return this.closedByReader
  }

  write(text: string): void {
    if (this.closedByReader || text === '') return
    this.sink.text(text)
    this.schedule()
  }

  /** Sends what the sink holds once this turn of the event loop is over, in one write. */
  schedule(): void {
    if (this.batchScheduled) return
    this.batchScheduled = true
    setImmediate(() => this.writeBatch())
  }

  /** Resolves once everything written so far has been handed to the OS (or the reader is gone). */
  async flush(): Promise<void> {
    this.writeBatch()
    if (this.closedByReader || (!this.blocked && this.queue.length === this.queueHead)) {
      this.reportDropped()
      return
    }

    await new Promise<void>((resolve) => this.drainWaiters.push(resolve))
  }

  private writeBatch(): void {
    this.batchScheduled = false
    if (this.sink.pos === 0) return
    const chunk = this.sink.take()
    if (this.closedByReader) return
    if (this.blocked) {
      this.enqueue(chunk)
      return
    }

    this.blocked = !this.stream.write(chunk, () => this.sink.recycle(chunk))
  }

  private enqueue(chunk: Buffer): void {
    this.queue.push(chunk)
    this.queuedBytes += chunk.length
    const max = this.options.maxBufferedBytes
    while (this.queuedBytes > max && this.queueHead < this.queue.length - 1) {
      const oldest = this.queue[this.queueHead++]
      this.queuedBytes -= oldest.length
      this.droppedLines += countLines(oldest)
    }

    // One batch larger than the bound by itself: keep its newest whole lines.
    if (this.queuedBytes > max) {
      const newest = this.queue[this.queue.length - 1]
      const lineStart = newest.indexOf(0x0a, newest.length - max - 1) + 1
      this.droppedLines += countLines(newest.subarray(0, lineStart))
      this.queue[this.queue.length - 1] = newest.subarray(lineStart)
      this.queuedBytes = newest.length - lineStart
    }
  }

  private onDrain(): void {
    this.blocked = false
    while (!this.blocked && this.queueHead < this.queue.length) {
      const next = this.queue[this.queueHead++]
      this.queuedBytes -= next.length
      this.blocked = !this.stream.write(next)
    }

    if (this.queueHead === this.queue.length) {
      this.queue.length = 0
      this.queueHead = 0
    }

    if (!this.blocked) {
      this.reportDropped()
      for (const resolve of this.drainWaiters.splice(0)) resolve()
    }
  }

  // EPIPE is the usual case (`| head`); any other stdout failure leaves nowhere to write either.
  private onError(): void {
    if (this.closedByReader) return
    this.closedByReader = true
    this.sink.pos = 0
    this.queue.length = 0
    this.queueHead = 0
    for (const resolve of this.drainWaiters.splice(0)) resolve()
    this.options.onClosed()
  }

  private reportDropped(): void {
    if (this.droppedLines === 0) return
    const lines = this.droppedLines
    this.droppedLines = 0
    this.options.onDropped(lines)
  }
}

function countLines(chunk: Buffer): number {
  let lines = 0
  for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++
  return lines
}
