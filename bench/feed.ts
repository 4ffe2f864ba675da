import {once} from 'node:events'
import {createServer, type Server} from 'node:http'
import type {AddressInfo, Socket} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'
import {WebSocketServer} from 'ws'

/** One unmasked binary frame (server to client), as RFC 6455 lays it out. */
function frame(payload: Uint8Array): Buffer {
  const length = payload.length
  const header =
    length < 126
      ? Buffer.from([0x82, length])
      : length < 65_536
        ? Buffer.from([0x82, 126, length >> 8, length & 0xff])
        : Buffer.alloc(10)
  if (length >= 65_536) {
    header[0] = 0x82
    header[1] = 127
    header.writeBigUInt64BE(BigInt(length), 2)
  }

  return Buffer.concat([header, payload])
}

const CLOSE_1000 = Buffer.from([0x88, 0x02, 0x03, 0xe8])
const CHUNK_FRAMES = 2000
// A paced feed sends what is due every few milliseconds: small bursts, as a busy Traffic Controller does.
const TICK_MS = 5
// The Traffic Controller cuts a client that takes no envelope within 5 s (PROTOCOL.md §5).
const SLOW_CONSUMER_MS = 5000
const PROGRESS_CHECK_MS = 250

export interface FeedOptions {
  /** Envelopes per second, sent every few ms; without it the feed goes as fast as the client reads. */
  ratePerSecond?: number
  /** Connections it takes (one per app of `cfws logs APP…`), each fed `total / clients` envelopes. */
  clients?: number
  /** Leaves each connection open once fed, so that the client ends by itself (`--max-lines`). */
  keepOpen?: boolean
}

/** How the feed's one connection went. */
export interface FeedEnd {
  /** Envelopes handed to the socket. */
  sent: number
  /** From the upgrade to the last envelope handed to the socket. */
  seconds: number
  /** The client went away (or was cut) before the last envelope. */
  clientLeft: boolean
  /** The feed cut the client as the Traffic Controller cuts a slow consumer: it took nothing for 5 s. */
  cutSlowConsumer: boolean
}

/**
 * A loopback Traffic Controller for benchmarks, for one client (or `clients`): `ws` does the upgrade, then the feed
 * writes the pool's frames, framed once in advance, straight to the socket in large chunks, waiting
 * for 'drain' (so it goes at most as fast as the client reads, and never balloons), then a 1000 close.
 * Framing every send in JavaScript made the server the bottleneck at ~0.2 M envelopes/s.
 */
export class BenchFeed {
  connectedAt = 0
  /** Resolves once the feed ended: every envelope handed to the socket, or the client gone. */
  readonly done: Promise<FeedEnd>

  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly url: string,
    done: Promise<FeedEnd>,
  ) {
    this.done = done
  }

  static async start(pool: readonly Uint8Array[], total: number, options: FeedOptions = {}): Promise<BenchFeed> {
    const server = createServer()
    const wss = new WebSocketServer({noServer: true, perMessageDeflate: false})
    const sockets = new Set<Socket>()
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const clients = options.clients ?? 1
    const ends: Array<Promise<FeedEnd>> = []
    let allConnected!: () => void
    const connected = new Promise<void>((resolve) => (allConnected = resolve))
    const done = connected.then(async () => combine(await Promise.all(ends)))
    const feed = new BenchFeed(server, sockets, `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, done)
    const frames = pool.map(frame)
    server.on('upgrade', (request, socket: Socket, head) => {
      socket.on('error', () => {})
      if (sockets.size >= clients) {
        socket.destroy()
        return
      }

      sockets.add(socket)
      wss.handleUpgrade(request, socket, head, () => {
        if (ends.length === 0) feed.connectedAt = performance.now()
        // Each connection starts at its own place in the pool, as apps log different lines.
        ends.push(
          pump(
            socket,
            rotate(frames, ends.length * Math.floor(frames.length / clients)),
            Math.ceil(total / clients),
            options,
          ),
        )
        if (ends.length === clients) allConnected()
      })
    })
    return feed
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    this.server.close()
    await once(this.server, 'close')
  }
}

/**
 * Resolves true on 'drain' or when the client went away (its error is expected: it was killed or
 * exited), false when it took nothing for SLOW_CONSUMER_MS: nothing left the socket's queue.
 */
async function drained(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    let queued = socket.writableLength
    let lastProgress = performance.now()
    const check = setInterval(() => {
      if (socket.writableLength < queued) {
        queued = socket.writableLength
        lastProgress = performance.now()
      } else if (performance.now() - lastProgress >= SLOW_CONSUMER_MS) {
        finish(false)
      }
    }, PROGRESS_CHECK_MS)
    const onDrain = (): void => finish(true)
    function finish(moved: boolean): void {
      clearInterval(check)
      socket.off('drain', onDrain)
      socket.off('close', onDrain)
      resolve(moved)
    }

    socket.on('drain', onDrain)
    socket.on('close', onDrain)
  })
}

function rotate<T>(items: readonly T[], by: number): T[] {
  return [...items.slice(by), ...items.slice(0, by)]
}

/** The connections' ends as one: every envelope sent, the longest of their times. */
function combine(ends: readonly FeedEnd[]): FeedEnd {
  return {
    sent: ends.reduce((sum, end) => sum + end.sent, 0),
    seconds: Math.max(...ends.map((end) => end.seconds)),
    clientLeft: ends.some((end) => end.clientLeft),
    cutSlowConsumer: ends.some((end) => end.cutSlowConsumer),
  }
}

async function pump(
  socket: Socket,
  frames: readonly Buffer[],
  total: number,
  {ratePerSecond, keepOpen}: FeedOptions,
): Promise<FeedEnd> {
  const start = performance.now()
  let sent = 0
  let cutSlowConsumer = false
  while (sent < total && !socket.destroyed) {
    if (ratePerSecond !== undefined) await sleep(TICK_MS)
    // Paced: what is due by now, so a burst catches up after the client pushed back.
    const due =
      ratePerSecond === undefined
        ? total
        : Math.min(total, Math.floor((ratePerSecond * (performance.now() - start)) / 1000))
    while (sent < due && !socket.destroyed) {
      const count = Math.min(CHUNK_FRAMES, due - sent)
      const chunk: Buffer[] = []
      for (let i = 0; i < count; i++) chunk.push(frames[(sent + i) % frames.length])
      sent += count
      if (!socket.write(Buffer.concat(chunk)) && !(await drained(socket))) {
        cutSlowConsumer = true
        socket.destroy()
      }
    }
  }

  const seconds = (performance.now() - start) / 1000
  const clientLeft = socket.destroyed
  if (!clientLeft && !keepOpen) socket.end(CLOSE_1000)
  return {sent, seconds, clientLeft, cutSlowConsumer}
}
