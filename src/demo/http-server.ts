import {once} from 'node:events'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

export type Handler = (
  request: IncomingMessage,
  url: URL,
  body: string,
) => {status: number; body?: unknown; headers?: Record<string, string>}

/** One of the demo's servers: plain HTTP on 127.0.0.1 (loopback: cfws sends tokens there in clear, PROTOCOL.md §5). */
export interface LoopbackServer {
  server: Server
  url: string
  close(): Promise<void>
}

/** Starts `server` (or a JSON server answering with `handler`) on a free loopback port. */
export async function listenOnLoopback(handlerOrServer: Handler | Server): Promise<LoopbackServer> {
  const server = typeof handlerOrServer === 'function' ? jsonServer(handlerOrServer) : handlerOrServer
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

function jsonServer(handler: Handler): Server {
  // A client gone before its body was read (aborted, reset) would reject the answer: the demo's
  // process must outlive it.
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    answerWith(handler, request, response).catch(() => response.destroy())
  })
}

async function answerWith(handler: Handler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const answer = handler(request, new URL(request.url ?? '/', 'http://127.0.0.1'), Buffer.concat(chunks).toString())
  const body =
    answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
  response.writeHead(answer.status, {
    'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
    ...answer.headers,
  })
  response.end(body)
}
