import {once} from 'node:events'
import {createServer, type Server} from 'node:http'
import type {AddressInfo, Socket} from 'node:net'
import {WebSocketServer} from 'ws'

/** One unmasked binary frame (server to client), as RFC 6455 lays it out. */
function frame(payload: Uint8Array): Buffer {
  const length = payload.length
  const header = length < 126 ? Buffer.from([0x82, length]) : length < 65_536 ? Buffer.from([0x82, 126, length >> 8, length & 0xff]) : Buffer.alloc(10)
  if (length >= 65_536) {
    header[0] = 0x82
    header[1] = 127
    header.writeBigUInt64BE(BigInt(length), 2)
  }

  return Buffer.concat([header, payload])
}

const CLOSE_1000 = Buffer.from([0x88, 0x02, 0x03, 0xe8])

/**
 * A loopback Traffic Controller for benchmarks: `ws` does the upgrade, then the feed writes the
 * pool's frames, framed once in advance, straight to the socket in large chunks, waiting for
 * 'drain' (so it goes exactly as fast as the client reads, and never balloons), then a 1000 close.
 * Framing every send in JavaScript made the server the bottleneck at ~0.2 M envelopes/s.
 */
export class BenchFeed {
  connectedAt = 0
  /** Resolves once every envelope was handed to the socket. */
  done: Promise<void> = Promise.resolve()

  private constructor(private readonly server: Server, private readonly sockets: Set<Socket>, readonly url: string) {}

  static async start(pool: readonly Uint8Array[], total: number): Promise<BenchFeed> {
    const server = createServer()
    const wss = new WebSocketServer({noServer: true, perMessageDeflate: false})
    const sockets = new Set<Socket>()
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const feed = new BenchFeed(server, sockets, `ws://127.0.0.1:${(server.address() as AddressInfo).port}`)
    server.on('upgrade', (request, socket: Socket, head) => {
      sockets.add(socket)
      socket.on('error', () => {})
      wss.handleUpgrade(request, socket, head, () => {
        feed.connectedAt = performance.now()
        feed.done = pump(socket, pool, total)
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

/** Resolves on 'drain', or when the client went away (its error is expected: it was killed). */
async function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done)
      socket.off('close', done)
      resolve()
    }

    socket.on('drain', done)
    socket.on('close', done)
  })
}

async function pump(socket: Socket, pool: readonly Uint8Array[], total: number): Promise<void> {
  const frames = pool.map(frame)
  const CHUNK_FRAMES = 2000
  for (let sent = 0; sent < total && !socket.destroyed; ) {
    const count = Math.min(CHUNK_FRAMES, total - sent)
    const chunk: Buffer[] = []
    for (let i = 0; i < count; i++) chunk.push(frames[(sent + i) % frames.length])
    sent += count
    if (!socket.write(Buffer.concat(chunk))) await drained(socket)
  }

  if (!socket.destroyed) socket.end(CLOSE_1000)
}
