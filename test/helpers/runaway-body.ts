import type {ServerResponse} from 'node:http'

/** A body with no end and no Content-Length, written as fast as the client reads: only the client's size cap stops it. */
export function streamForever(response: ServerResponse): void {
  response.writeHead(200, {'content-type': 'application/json'})
  const chunk = Buffer.alloc(256 * 1024, ' ')
  const pump = (): void => {
    while (!response.destroyed && response.write(chunk));
  }

  response.on('drain', pump)
  pump()
}
