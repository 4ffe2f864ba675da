import {strict as assert} from 'node:assert'

import {isCleartextToRemote} from '../../../src/net/loopback.js'

describe('isCleartextToRemote', () => {
  it('lets plain http and ws go to this machine only', () => {
    for (const url of [
      'http://127.0.0.1:8081',
      'ws://127.8.9.10',
      'ws://localhost:9911',
      'http://LOCALHOST',
      'ws://[::1]:4443',
      'ws://[::ffff:127.0.0.1]:4443',
      'http://[::ffff:127.1.2.3]',
    ])
      assert.equal(isCleartextToRemote(new URL(url)), false, url)
  })

  it('refuses a name a resolver may point anywhere, *.localhost too, and every other address', () => {
    for (const url of [
      'http://evil.localhost:41112',
      'ws://doppler.localhost',
      'ws://localhost.example.com',
      'http://128.0.0.1',
      'ws://[::ffff:10.0.0.1]',
      'ws://[::2]',
      'http://10.0.0.1',
    ])
      assert.equal(isCleartextToRemote(new URL(url)), true, url)
  })

  it('has nothing to say of TLS', () => {
    assert.equal(isCleartextToRemote(new URL('wss://doppler.sys.example.com:4443')), false)
    assert.equal(isCleartextToRemote(new URL('https://10.0.0.1')), false)
  })
})
