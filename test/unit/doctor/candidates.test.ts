import {strict as assert} from 'node:assert'

import {candidateEndpoints, commandsFor, mayReceiveToken, systemDomainOf} from '../../../src/doctor/candidates.js'

describe('doctor candidates', () => {
  it('takes the system domain from the api. host of the Cloud Controller first, else from the logger host', () => {
    assert.equal(systemDomainOf('https://api.sys.example.com', new URL('wss://lb.corp.example:443')), 'sys.example.com')
    assert.equal(systemDomainOf('http://127.0.0.1:9000', new URL('wss://doppler.sys.test:443')), 'sys.test')
    assert.equal(systemDomainOf('http://127.0.0.1:9000', new URL('ws://127.0.0.1:8081')), undefined)
    assert.equal(systemDomainOf('https://cf.example.com', new URL('wss://example.com')), undefined)
  })

  it('tries the host, doppler. and ws. on 443, 4443 and 8443 with the prefix kept, never the configured one again', () => {
    const tried = candidateEndpoints('sys.example.com', new URL('wss://doppler.sys.example.com:443/prefix')).map(
      (url) => `${url.hostname}:${url.port || 443}${url.pathname}`,
    )
    assert.deepEqual(tried, [
      'doppler.sys.example.com:4443/prefix',
      'doppler.sys.example.com:8443/prefix',
      'ws.sys.example.com:443/prefix',
      'ws.sys.example.com:4443/prefix',
      'ws.sys.example.com:8443/prefix',
    ])
    assert.equal(candidateEndpoints(undefined, new URL('ws://127.0.0.1:8081')).length, 3)
    assert.equal(candidateEndpoints('sys.example.com').length, 6)
  })

  it('sends the token only over TLS to hosts of the system domain', () => {
    assert.ok(mayReceiveToken(new URL('wss://ws.sys.example.com:443'), 'sys.example.com'))
    assert.ok(!mayReceiveToken(new URL('wss://ws.sys.example.com.evil.test'), 'sys.example.com'))
    assert.ok(!mayReceiveToken(new URL('wss://lb.corp.example:4443'), 'sys.example.com'))
    assert.ok(!mayReceiveToken(new URL('ws://ws.sys.example.com'), 'sys.example.com'))
    assert.ok(!mayReceiveToken(new URL('wss://ws.sys.example.com'), undefined))
  })

  it('writes the command for the app, quoted for the shell when it must be, or for the firehose', () => {
    const url = new URL('wss://doppler.sys.example.com:4443')
    assert.deepEqual(commandsFor(url, {kind: 'app', app: "it's"}), [
      String.raw`cfws logs 'it'\''s' --endpoint wss://doppler.sys.example.com:4443`,
      'export CFWS_LOGGER_ENDPOINT=wss://doppler.sys.example.com:4443',
    ])
    assert.equal(commandsFor(url, {kind: 'firehose'})[0], 'cfws firehose --endpoint wss://doppler.sys.example.com:4443')
    assert.equal(
      commandsFor(new URL('wss://ws.sys.example.com:443'), {kind: 'none'})[0],
      'cfws logs APP --endpoint wss://ws.sys.example.com:443',
    )
  })
})
