import {strict as assert} from 'node:assert'
import nock from 'nock'

import {operatorLine} from '../../../src/cli/notice.js'
import {sendHttp} from '../../../src/net/http-client.js'
import {bypassesProxy, proxyChoiceFor, proxyRouteFor} from '../../../src/net/proxy.js'
import {openStream} from '../../../src/stream/connect.js'
import {ConnectProxy} from '../../helpers/connect-proxy.js'
import {FakeCloudController} from '../../helpers/fake-cloud-controller.js'
import {FakeTrafficController} from '../../helpers/fake-traffic-controller.js'

describe('proxies', () => {
  // A request through an agent-base proxy agent hangs or crashes while nock intercepts (STACK.md):
  // other files load nock into this process, so switch its interception off around these tests.
  before(() => nock.restore())
  after(() => nock.activate())

  describe('which URLs go through a proxy', () => {
    const env = {
      HTTPS_PROXY: 'http://user:secret@proxy.example.com:3128',
      NO_PROXY: '.internal.example.com, api.example.com:8443',
    }

    it('uses HTTPS_PROXY for wss and https, naming the proxy without its credentials', async () => {
      assert.equal(
        (await proxyRouteFor(new URL('wss://doppler.example.com'), env))?.proxyHost,
        'proxy.example.com:3128',
      )
      assert.equal(
        (await proxyRouteFor(new URL('https://doppler.example.com'), {https_proxy: 'proxy:8080'}))?.proxyHost,
        'proxy:8080',
      )
    })

    it('says a proxy variable that is not an http(s) URL is a usage error (exit 2), never echoing its value', async () => {
      for (const [name, value] of [
        ['HTTPS_PROXY', 'http://user:s3cret@[bad'],
        ['https_proxy', 'socks5://user:s3cret@proxy:1080'],
        ['HTTPS_PROXY', 'http://:8080'],
      ]) {
        await assert.rejects(
          proxyRouteFor(new URL('wss://doppler.example.com'), {[name]: value}),
          (error: {code: string; exitCode: number; message: string; hint: string}) => {
            assert.equal(error.code, 'INVALID_PROXY')
            assert.equal(error.exitCode, 2)
            assert.equal(error.message, `${name} is not an http:// or https:// proxy URL`)
            assert.ok(!`${error.message}${error.hint}`.includes('s3cret'))
            return true
          },
        )
      }

      await assert.rejects(proxyRouteFor(new URL('http://api.example.com'), {HTTP_PROXY: 'http://[bad'}), {
        message: 'HTTP_PROXY is not an http:// or https:// proxy URL',
      })
    })

    it('takes a password whose escapes are not UTF-8 (%ff) as written, and hides it', async () => {
      const route = await proxyRouteFor(new URL('https://api.example.com'), {
        HTTPS_PROXY: 'http://u:pa%ffss@proxy:3128',
      })
      assert.equal(route?.proxyHost, 'proxy:3128')
      assert.equal(operatorLine('proxy said pa%ffss'), 'proxy said [PRIVATE DATA HIDDEN]')
    })

    it('never proxies loopback, and honours NO_PROXY suffixes and ports', async () => {
      assert.equal(await proxyRouteFor(new URL('wss://127.0.0.1:4443'), env), undefined)
      assert.equal(await proxyRouteFor(new URL('wss://log.internal.example.com'), env), undefined)
      assert.equal(await proxyRouteFor(new URL('https://api.example.com:8443'), env), undefined)
      assert.ok(await proxyRouteFor(new URL('https://api.example.com'), env), 'another port is proxied')
      assert.equal(bypassesProxy(new URL('https://anything.example.org'), '*'), true)
      assert.equal(bypassesProxy(new URL('https://notexample.com'), 'example.com'), false)
    })
  })

  describe('through a CONNECT proxy on 127.0.0.1', () => {
    let proxy: ConnectProxy
    // An app stream to a Traffic Controller the proxy is asked to reach (none is there).
    const openAppStream = async (handshakeTimeoutMs = 2000) =>
      openStream({
        url: new URL('wss://doppler.example.com:4443/apps/g/stream'),
        authorization: 'bearer t',
        kind: 'app',
        verifyTls: true,
        handshakeTimeoutMs,
        onFrame() {},
        signal: new AbortController().signal,
      })
    const saved = {...process.env}
    beforeEach(async () => {
      proxy = await ConnectProxy.start()
      process.env.HTTPS_PROXY = proxy.url
      process.env.HTTP_PROXY = proxy.url
    })
    afterEach(async () => {
      process.env.HTTPS_PROXY = saved.HTTPS_PROXY
      process.env.HTTP_PROXY = saved.HTTP_PROXY
      if (saved.HTTPS_PROXY === undefined) delete process.env.HTTPS_PROXY
      if (saved.HTTP_PROXY === undefined) delete process.env.HTTP_PROXY
      await proxy.close()
    })

    it('opens the WebSocket through the tunnel', async () => {
      const tc = await FakeTrafficController.start({tls: true})
      try {
        const port = new URL(tc.url).port
        const {socket} = await openStream({
          url: new URL(`wss://doppler.example.com:${port}/apps/g/stream`),
          authorization: 'bearer t',
          kind: 'app',
          verifyTls: false,
          handshakeTimeoutMs: 2000,
          onFrame() {},
          signal: new AbortController().signal,
        })
        socket.close()
        assert.deepEqual(
          proxy.tunnels.map((t) => t.target),
          [`doppler.example.com:${port}`],
        )
        assert.equal(tc.upgrades[0].authorization, 'bearer t')
      } finally {
        await tc.close()
      }
    })

    it('sends HTTP requests through the tunnel', async () => {
      const cc = await FakeCloudController.start()
      try {
        const port = new URL(cc.url).port
        const response = await sendHttp(new URL(`http://api.example.com:${port}/v2/info`), {
          verifyTls: true,
          serverName: 'the Cloud Controller',
        })
        assert.equal(response.status, 200)
        assert.deepEqual(
          proxy.tunnels.map((t) => t.target),
          [`api.example.com:${port}`],
        )
      } finally {
        await cc.close()
      }
    })

    it('says the proxy answered something that is not HTTP: not "refused (NaN)", nor a closed connection', async () => {
      const where = proxy.url.replace('http://', '')
      // A status line that is not HTTP's, then one that is, followed by a line that is no header.
      const answers: Array<Partial<ConnectProxy>> = [
        {refuseWith: 'SSH-2.0-OpenSSH_9.6'},
        {answerWith: 'HTTP/1.1 200 Connection Established\r\nthis is no header\r\n\r\n'},
      ]
      for (const answer of answers) {
        Object.assign(proxy, {refuseWith: undefined, answerWith: undefined}, answer)
        await assert.rejects(openAppStream(), {
          code: 'PROXY_REFUSED',
          exitCode: 6,
          message: `The proxy at ${where} answered the CONNECT to doppler.example.com:4443 with something that is not HTTP`,
        })
      }
    })

    it('says the proxy refused (407), naming it, for the WebSocket and for HTTP', async () => {
      proxy.refuseWith = '407 Proxy Authentication Required'
      const where = proxy.url.replace('http://', '')
      await assert.rejects(openAppStream(), {
        code: 'PROXY_REFUSED',
        exitCode: 6,
        message: `The proxy at ${where} refused a tunnel to doppler.example.com:4443 (407)`,
        hint: 'The proxy wants credentials: write USER:PASSWORD@ before its host in HTTPS_PROXY, or add the host to NO_PROXY.',
      })
      await assert.rejects(
        sendHttp(new URL('https://api.example.com/v2/info'), {verifyTls: true, serverName: 'the Cloud Controller'}),
        {code: 'PROXY_REFUSED'},
      )
    })

    it('says the proxy refused the credentials HTTPS_PROXY gave (407), rather than asking for them', async () => {
      proxy.refuseWith = '407 Proxy Authentication Required'
      process.env.HTTPS_PROXY = proxy.url.replace('http://', 'http://user:wrong%40pass@')
      await assert.rejects(
        sendHttp(new URL('https://api.example.com/v2/info'), {verifyTls: true, serverName: 'the Cloud Controller'}),
        {
          code: 'PROXY_REFUSED',
          hint: 'The proxy refused the credentials in HTTPS_PROXY: check USER and PASSWORD (percent-encode @, : and % in them), or add the host to NO_PROXY.',
        },
      )
      assert.equal(proxy.tunnels[0].proxyAuthorization, `Basic ${Buffer.from('user:wrong@pass').toString('base64')}`)
    })

    it('names the variable that set the proxy in its hints: HTTP_PROXY for an http:// server', async () => {
      proxy.refuseWith = '407 Proxy Authentication Required'
      delete process.env.HTTPS_PROXY
      await assert.rejects(
        sendHttp(new URL('http://api.example.com/v2/info'), {verifyTls: true, serverName: 'the Cloud Controller'}),
        {
          code: 'PROXY_REFUSED',
          hint: 'The proxy wants credentials: write USER:PASSWORD@ before its host in HTTP_PROXY, or add the host to NO_PROXY.',
        },
      )
      proxy.refuseWith = undefined
      proxy.hangUp = 'end'
      await assert.rejects(
        sendHttp(new URL('http://api.example.com/v2/info'), {verifyTls: true, serverName: 'the Cloud Controller'}),
        {
          code: 'PROXY_UNREACHABLE',
          hint: 'It may not allow a tunnel to this host and port: check HTTP_PROXY (or unset it), and NO_PROXY for hosts that must not go through it.',
        },
      )
    })

    describe('a proxy that takes the connection and never answers the CONNECT', () => {
      beforeEach(() => {
        proxy.silent = true
      })

      it('ends an HTTP request at its deadline, in the proxy’s name, and closes the socket to the proxy', async () => {
        const where = proxy.url.replace('http://', '')
        await assert.rejects(
          sendHttp(new URL('https://api.example.com/v2/info'), {
            verifyTls: true,
            serverName: 'the Cloud Controller',
            timeoutMs: 100,
          }),
          {
            code: 'TIMEOUT',
            exitCode: 6,
            message: `The proxy at ${where} did not answer the CONNECT to api.example.com:443 in time`,
          },
        )
        await proxy.tunnels[0].closed
      })

      it('ends an HTTP request at once when its signal aborts, and closes the socket to the proxy', async () => {
        const controller = new AbortController()
        const sending = sendHttp(new URL('https://api.example.com/v2/info'), {
          verifyTls: true,
          serverName: 'the Cloud Controller',
          signal: controller.signal,
        })
        const tunnel = await proxy.nextTunnel()
        controller.abort()
        await assert.rejects(sending, {code: 'ABORTED', message: 'Cancelled GET /v2/info to the Cloud Controller'})
        await tunnel.closed
      })

      it('ends the WebSocket handshake at its timeout and closes the socket to the proxy', async () => {
        const where = proxy.url.replace('http://', '')
        await assert.rejects(openAppStream(100), {
          code: 'TIMEOUT',
          message: `The proxy at ${where} did not answer the CONNECT to doppler.example.com:4443 in time`,
        })
        await proxy.tunnels[0].closed
      })
    })

    it('says the proxy closed the connection on the CONNECT, for HTTP and for the WebSocket: it was reached', async () => {
      proxy.hangUp = 'end'
      const where = proxy.url.replace('http://', '')
      const closed = {
        code: 'PROXY_UNREACHABLE',
        exitCode: 6,
        hint: 'It may not allow a tunnel to this host and port: check HTTPS_PROXY (or unset it), and NO_PROXY for hosts that must not go through it.',
      }
      await assert.rejects(
        sendHttp(new URL('https://api.example.com/v2/info'), {verifyTls: true, serverName: 'the Cloud Controller'}),
        {
          ...closed,
          message: `The proxy at ${where} closed the connection instead of answering the CONNECT to api.example.com:443`,
        },
      )
      await assert.rejects(openAppStream(), {
        ...closed,
        message: `The proxy at ${where} closed the connection instead of answering the CONNECT to doppler.example.com:4443`,
      })
      proxy.hangUp = 'reset'
      await assert.rejects(
        sendHttp(new URL('https://api.example.com/v2/info'), {verifyTls: true, serverName: 'the Cloud Controller'}),
        {
          ...closed,
          message: `The proxy at ${where} closed the connection instead of answering the CONNECT to api.example.com:443`,
        },
      )
    })

    it('says when the proxy itself cannot be reached', async () => {
      process.env.HTTPS_PROXY = 'http://user:secret@127.0.0.1:1'
      await assert.rejects(
        sendHttp(new URL('https://api.example.com/v2/info'), {verifyTls: true, serverName: 'the Cloud Controller'}),
        (error: Error & {code: string}) => {
          assert.equal(error.code, 'PROXY_UNREACHABLE')
          assert.equal(error.message, 'Cannot reach the proxy at 127.0.0.1:1')
          return true
        },
      )
    })
  })
})

describe('proxyChoiceFor', () => {
  const target = new URL('wss://doppler.sys.example.com:443')

  it('names the variable and the proxy host, never its credentials, when a proxy applies', () => {
    const choice = proxyChoiceFor(target, {https_proxy: 'http://user:secret@proxy.corp:3128'})
    assert.equal(choice.variable, 'https_proxy')
    assert.equal(choice.proxyHost, 'proxy.corp:3128')
    assert.equal(choice.bypass, undefined)
  })

  it('says why a set proxy is not used: NO_PROXY or loopback', () => {
    assert.deepEqual(proxyChoiceFor(target, {HTTPS_PROXY: 'proxy.corp:3128', NO_PROXY: '.example.com'}), {
      variable: 'HTTPS_PROXY',
      bypass: 'NO_PROXY',
    })
    assert.deepEqual(proxyChoiceFor(new URL('wss://127.0.0.1:8443'), {HTTPS_PROXY: 'proxy.corp:3128'}), {
      variable: 'HTTPS_PROXY',
      bypass: 'loopback',
    })
    assert.deepEqual(proxyChoiceFor(target, {HTTP_PROXY: 'proxy.corp:3128'}), {})
  })

  it('refuses a proxy that is not an http(s) URL', () => {
    assert.throws(() => proxyChoiceFor(target, {HTTPS_PROXY: 'socks5://proxy.corp:1080'}), {code: 'INVALID_PROXY'})
  })
})
