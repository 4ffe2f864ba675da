import {strict as assert} from 'node:assert'
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {fileURLToPath} from 'node:url'

import {cfConfig, type CfHome, makeCfHome} from '../helpers/cf-home.js'
import {ConnectProxy} from '../helpers/connect-proxy.js'
import {streamForever} from '../helpers/runaway-body.js'
import {CliProcess, runCli} from '../helpers/run-cli.js'

const HTTP_CLIENT = fileURLToPath(new URL('../../src/net/http-client.ts', import.meta.url))
// Far more than a settled exchange needs to end a process; a leaked socket or timer never does.
const EXIT_WITHIN_MS = 5000

/** A server that answers every request with `answer`, on 127.0.0.1. */
async function startServer(
  answer: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{server: Server; url: string}> {
  const server = createServer((request, response) => {
    // The client cuts these answers off on purpose.
    request.on('error', () => {})
    response.on('error', () => {})
    answer(request, response)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`}
}

async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections()
  server.close()
  await once(server, 'close')
}

interface ChildOutcome {
  stdout: string
  stderr: string
  code: number | null
}

/**
 * One sendHttp in a child process of its own, which prints the error code it ends with (or the
 * status) and must then exit by itself: a socket or timer left behind keeps it alive.
 */
async function sendInChild(
  request: {url: string; timeoutMs?: number; abortAfterMs?: number},
  env: Record<string, string> = {},
): Promise<ChildOutcome> {
  const script = `
    import {sendHttp} from ${JSON.stringify(HTTP_CLIENT)}
    const request = JSON.parse(process.env.REQUEST)
    const controller = new AbortController()
    if (request.abortAfterMs !== undefined) setTimeout(() => controller.abort(), request.abortAfterMs)
    sendHttp(new URL(request.url), {verifyTls: true, serverName: 'the Cloud Controller', timeoutMs: request.timeoutMs, signal: controller.signal})
      .then((response) => console.log(response.status), (error) => console.log(error.code))
  `
  const child = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], {
    env: {PATH: process.env.PATH, REQUEST: JSON.stringify(request), ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  const stillAlive = setTimeout(() => child.kill('SIGKILL'), EXIT_WITHIN_MS)
  const [code] = (await once(child, 'close')) as [number | null]
  clearTimeout(stillAlive)
  return {stdout, stderr, code}
}

describe('HTTP answers that are too slow, too big or cut short (end to end)', () => {
  let server: Server | undefined
  let home: CfHome | undefined
  afterEach(async () => {
    CliProcess.killAll()
    home?.remove()
    if (server) await stopServer(server)
    server = undefined
  })

  it('ends a Cloud Controller answer past 16 MiB in one RESPONSE_TOO_LARGE line, exit 6', async () => {
    let url: string
    ;({server, url} = await startServer((_request, response) => streamForever(response)))
    home = makeCfHome(cfConfig(url))
    const result = await runCli(['logs', 'myapp'], {CF_HOME: home.dir})
    assert.equal(result.code, 6)
    assert.equal(result.stdout, '')
    assert.equal(
      result.stderr,
      'cfws: The Cloud Controller sent more than 16 MiB in answer to GET /v2/info\n' +
        'hint: Something other than that server may be answering (a proxy, a load balancer): check the endpoint, HTTPS_PROXY and NO_PROXY.\n',
    )
  })

  describe('leaves nothing behind once an exchange ends: the process exits by itself', () => {
    it('after a plain answer', async () => {
      let url: string
      ;({server, url} = await startServer((_request, response) => response.end('{}')))
      assert.deepEqual(await sendInChild({url}), {stdout: '200\n', stderr: '', code: 0})
    })

    it('after the deadline cuts off a body dripped one byte at a time', async () => {
      let url: string
      ;({server, url} = await startServer((_request, response) => {
        response.writeHead(200)
        const drip = setInterval(() => response.write(' '), 20)
        response.on('close', () => clearInterval(drip))
      }))
      assert.deepEqual(await sendInChild({url, timeoutMs: 300}), {stdout: 'TIMEOUT\n', stderr: '', code: 0})
    })

    it('after the size cap cuts off a runaway body', async () => {
      let url: string
      ;({server, url} = await startServer((_request, response) => streamForever(response)))
      assert.deepEqual(await sendInChild({url}), {stdout: 'RESPONSE_TOO_LARGE\n', stderr: '', code: 0})
    })

    it('after the signal aborts a request whose answer hangs mid-body', async () => {
      let url: string
      ;({server, url} = await startServer((_request, response) => {
        response.writeHead(200, {'content-length': '100'})
        response.write('{"partial":')
      }))
      assert.deepEqual(await sendInChild({url, abortAfterMs: 200}), {stdout: 'ABORTED\n', stderr: '', code: 0})
    })

    it('after the deadline ends a wait on a proxy that never answers the CONNECT', async () => {
      const proxy = await ConnectProxy.start()
      proxy.silent = true
      try {
        const outcome = await sendInChild(
          {url: 'https://api.example.com/v2/info', timeoutMs: 300},
          {HTTPS_PROXY: proxy.url},
        )
        assert.deepEqual(outcome, {stdout: 'TIMEOUT\n', stderr: '', code: 0})
      } finally {
        await proxy.close()
      }
    })
  })
})
