import {createHash} from 'node:crypto'
import {once} from 'node:events'
import {createServer, type IncomingMessage} from 'node:http'
import type {AddressInfo, Socket} from 'node:net'

/** A server that answers the upgrade with its 101 and `frames` in one write, then keeps the socket open. */
export async function upgradeAnsweredWith(frames: Buffer): Promise<{url: string; close: () => Promise<void>}> {
  const sockets: Socket[] = []
  const server = createServer().on('upgrade', (request: IncomingMessage, socket: Socket) => {
    sockets.push(socket)
    const accept = createHash('sha1')
      .update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64')
    const answer = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`
    socket.write(Buffer.concat([Buffer.from(answer), frames]))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const {port} = server.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy()
      server.close()
      await once(server, 'close')
    },
  }
}

/** An unmasked binary frame, as a server sends it (payloads under 126 bytes). */
export function binaryFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  return Buffer.concat([Buffer.from([0x82, payload.length]), payload])
}
