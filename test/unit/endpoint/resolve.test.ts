import {strict as assert} from 'node:assert'

import {appStreamUrl, recentLogsUrl, resolveEndpoint} from '../../../src/endpoint/resolve.js'

describe('resolveEndpoint', () => {
  for (const [given, expected] of [
    ['wss://doppler.sys.example.com:4443', 'wss://doppler.sys.example.com:4443/'],
    ['doppler.sys.example.com:4443', 'wss://doppler.sys.example.com:4443/'],
    ['doppler.sys.example.com:8443', 'wss://doppler.sys.example.com:8443/'],
    ['ws.sys.example.com', 'wss://ws.sys.example.com/'],
    ['https://ws.sys.example.com', 'wss://ws.sys.example.com/'],
    ['http://127.0.0.1:8081', 'ws://127.0.0.1:8081/'],
    ['ws://localhost:8081', 'ws://localhost:8081/'],
    ['ws://[::1]:8081', 'ws://[::1]:8081/'],
    ['wss://host.example.com:8443/prefix/', 'wss://host.example.com:8443/prefix'],
  ]) {
    it(`turns ${given} into ${expected}`, () => {
      assert.equal(resolveEndpoint(given, '--endpoint').href, expected)
    })
  }

  it('keeps a path prefix in the stream URL', () => {
    const endpoint = resolveEndpoint('wss://host.example.com:8443/prefix', '--endpoint')
    assert.equal(appStreamUrl(endpoint, 'g-1').href, 'wss://host.example.com:8443/prefix/apps/g-1/stream')
  })

  it('asks recentlogs over https (or http on loopback) under the same prefix', () => {
    assert.equal(
      recentLogsUrl(resolveEndpoint('wss://host.example.com:8443/prefix', '--endpoint'), 'g-1').href,
      'https://host.example.com:8443/prefix/apps/g-1/recentlogs',
    )
    assert.equal(
      recentLogsUrl(resolveEndpoint('ws://127.0.0.1:9', '--endpoint'), 'g-1').href,
      'http://127.0.0.1:9/apps/g-1/recentlogs',
    )
  })

  for (const given of ['ws://doppler.example.com:8081', 'http://10.0.0.5:8081', 'ws://127.example.com']) {
    it(`refuses plain ${given} with exit 6`, () => {
      assert.throws(() => resolveEndpoint(given, 'the Cloud Controller'), {code: 'CLEARTEXT_REFUSED', exitCode: 6})
    })
  }

  it('calls a malformed --endpoint a usage error (exit 2) and a malformed discovered one exit 6', () => {
    assert.throws(() => resolveEndpoint('ftp://host', '--endpoint'), {code: 'INVALID_ENDPOINT', exitCode: 2})
    assert.throws(() => resolveEndpoint('wss://', 'the Cloud Controller'), {code: 'CC_INVALID_ENDPOINT', exitCode: 6})
  })
})
