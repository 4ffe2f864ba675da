// The baseline: a bare `ws` client that only counts envelopes, in its own process like cfws.
import WebSocket from 'ws'

let count = 0
const socket = new WebSocket(process.argv[2], {perMessageDeflate: false})
socket.on('message', () => count++)
socket.on('close', () => {
  process.stdout.write(`${count}\n`)
})
