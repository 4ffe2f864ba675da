import {strict as assert} from 'node:assert'

import {DEMO_SPACE, WEB_APP} from '../../../src/demo/catalog.js'
import {startCloudController} from '../../../src/demo/cloud-controller.js'
import type {LoopbackServer} from '../../../src/demo/http-server.js'
import {DemoUaa} from '../../../src/demo/uaa.js'
import {readJwtClaims} from '../../../src/cf/tokens.js'

describe('the demo Cloud Controller and UAA', () => {
  let uaa: DemoUaa
  let cc: LoopbackServer
  beforeEach(async () => {
    uaa = new DemoUaa()
    cc = await startCloudController(uaa, () => ({loggingUrl: 'ws://127.0.0.1:1', logCacheUrl: 'http://127.0.0.1:2'}))
  })
  afterEach(async () => cc.close())

  const get = async (path: string, authorization?: string) => {
    const answer = await fetch(`${cc.url}${path}`, {headers: authorization ? {authorization} : {}})
    return {status: answer.status, body: (await answer.json()) as Record<string, any>}
  }

  async function refresh(refreshToken: string, basic = 'Y2Y6'): Promise<{status: number; body: Record<string, any>}> {
    const answer = await fetch(`${cc.url}/oauth/token`, {
      method: 'POST',
      headers: {authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({grant_type: 'refresh_token', refresh_token: refreshToken}).toString(),
    })
    return {status: answer.status, body: (await answer.json()) as Record<string, any>}
  }

  it('tells where the Traffic Controller and Log Cache are', async () => {
    assert.equal((await get('/v2/info')).body.doppler_logging_endpoint, 'ws://127.0.0.1:1')
    const {links} = (await get('/')).body
    assert.deepEqual(
      [links.logging.href, links.log_cache.href, links.uaa.href],
      ['ws://127.0.0.1:1', 'http://127.0.0.1:2', cc.url],
    )
    // UAA's /info, which cfws doctor reads to tell a UAA that answers.
    const info = await get('/info')
    assert.deepEqual([info.status, info.body.zone_name], [200, 'uaa'])
  })

  it('logs in with an expired token that UAA refreshes, for a client cf with no secret', async () => {
    const login = uaa.login()
    assert.ok(readJwtClaims(login.accessToken)!.exp! * 1000 < Date.now())
    assert.equal(uaa.scopesOf(`bearer ${login.accessToken}`), undefined)
    assert.equal((await refresh(login.refreshToken, Buffer.from('other:').toString('base64'))).status, 401)
    assert.deepEqual((await refresh('unknown')).body, {
      error: 'invalid_token',
      error_description: 'The refresh token is not valid.',
    })
    const {status, body} = await refresh(login.refreshToken)
    assert.equal(status, 200)
    assert.deepEqual([body.token_type, body.refresh_token, body.expires_in], ['bearer', login.refreshToken, 3600])
    assert.deepEqual(readJwtClaims(body.access_token)!.scope, [
      'openid',
      'cloud_controller.read',
      'cloud_controller.write',
      'doppler.firehose',
    ])
  })

  it('finds an app by name in the space with a live token, and answers as the Cloud Controller does otherwise', async () => {
    const {body: grant} = await refresh(uaa.login().refreshToken)
    const token = `bearer ${grant.access_token}`
    const found = await get(`/v3/apps?names=web&space_guids=${DEMO_SPACE.guid}`, token)
    assert.deepEqual(
      found.body.resources.map((app: {guid: string; name: string}) => [app.name, app.guid]),
      [['web', WEB_APP.guid]],
    )
    assert.deepEqual((await get(`/v3/apps?names=api&space_guids=${DEMO_SPACE.guid}`, token)).body.resources, [])
    assert.deepEqual((await get(`/v3/apps?names=web&space_guids=other`, token)).body.resources, [])
    const refused = await get('/v3/apps?names=web', 'bearer stale')
    assert.deepEqual([refused.status, refused.body.errors[0].title], [401, 'CF-InvalidAuthToken'])
  })
})
