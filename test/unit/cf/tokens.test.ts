import {strict as assert} from 'node:assert'
import nock from 'nock'

import {readCfConfig} from '../../../src/cf/config.js'
import {bearerHeader, expiresWithin, readJwtClaims, TokenSource} from '../../../src/cf/tokens.js'
import {cfConfig, type CfHome, makeCfHome} from '../../helpers/cf-home.js'
import {expiredJwt, freshJwt, makeJwt} from '../../helpers/jwt.js'
import {useNock} from '../../helpers/nock-setup.js'

const UAA = 'https://uaa.example.com'

describe('tokens', () => {
  useNock()
  let home: CfHome | undefined
  afterEach(() => home?.remove())

  async function tokenSource(
    overrides: Record<string, unknown>,
    signal?: AbortSignal,
    onNotice?: (text: string) => void,
  ): Promise<TokenSource> {
    home = makeCfHome(cfConfig('https://api.example.com', {AuthorizationEndpoint: UAA, ...overrides}))
    return new TokenSource(await readCfConfig({CF_HOME: home.dir}), {verifyTls: true, signal, onNotice})
  }

  it('reads exp and scope from a JWT, with or without the bearer prefix', () => {
    const token = makeJwt({exp: 100, scope: ['doppler.firehose']})
    assert.deepEqual(readJwtClaims(`bearer ${token}`), {exp: 100, scope: ['doppler.firehose']})
    assert.equal(readJwtClaims('not-a-jwt'), undefined)
  })

  it('counts a token expiring within the margin, or unreadable, as expiring', () => {
    const now = 1_000_000_000_000
    assert.equal(expiresWithin(makeJwt({exp: now / 1000 + 59}), 60_000, now), true)
    assert.equal(expiresWithin(makeJwt({exp: now / 1000 + 61}), 60_000, now), false)
    assert.equal(expiresWithin('garbage', 60_000, now), true)
  })

  it('sends a lowercase bearer whatever the config stored', () => {
    assert.equal(bearerHeader('Bearer abc.def.ghi'), 'bearer abc.def.ghi')
  })

  it('keeps a fresh token without asking UAA', async () => {
    const token = freshJwt()
    const tokens = await tokenSource({AccessToken: `bearer ${token}`})
    assert.equal(await tokens.validToken(), `bearer ${token}`)
  })

  it('refreshes an expiring token with the refresh_token grant and HTTP Basic cf:', async () => {
    const fresh = freshJwt()
    nock(UAA, {reqheaders: {authorization: 'Basic Y2Y6'}})
      .post('/oauth/token', 'grant_type=refresh_token&refresh_token=refresh-token-1')
      .reply(200, {access_token: fresh, token_type: 'bearer', refresh_token: 'refresh-token-2', expires_in: 600})
    const tokens = await tokenSource({AccessToken: `bearer ${expiredJwt()}`})
    assert.equal(await tokens.validToken(), `bearer ${fresh}`)
    assert.equal(home!.read().AccessToken, `bearer ${fresh}`)
    assert.equal(home!.read().RefreshToken, 'refresh-token-2')
  })

  it('uses the client_credentials grant for a client login', async () => {
    nock(UAA, {reqheaders: {authorization: `Basic ${Buffer.from('nozzle:s3cret').toString('base64')}`}})
      .post('/oauth/token', 'grant_type=client_credentials&client_id=nozzle&client_secret=s3cret')
      .reply(200, {access_token: 'abc', token_type: 'bearer'})
    const tokens = await tokenSource({
      UAAGrantType: 'client_credentials',
      UAAOAuthClient: 'nozzle',
      UAAOAuthClientSecret: 's3cret',
      RefreshToken: '',
    })
    assert.equal(await tokens.refresh(), 'bearer abc')
  })

  it('asks to log in again (exit 3) when UAA rejects the refresh token, asking only once', async () => {
    nock(UAA).post('/oauth/token').once().reply(401, {error: 'invalid_token'})
    const tokens = await tokenSource({AccessToken: `bearer ${expiredJwt()}`})
    await assert.rejects(tokens.validToken(), {code: 'SESSION_EXPIRED', exitCode: 3})
  })

  it('does not read a 200 without a token as UAA’s success: it names what came and where to look (exit 3)', async () => {
    const hint = `Something other than UAA may be answering (a proxy, a login page), or ${UAA} is not this foundation's UAA: check HTTPS_PROXY and NO_PROXY, or log in again with 'cf login'.`
    nock(UAA).post('/oauth/token').reply(200, '<html><body>Sign in to continue</body></html>', {
      'content-type': 'text/html; charset=utf-8',
    })
    const tokens = await tokenSource({AccessToken: `bearer ${expiredJwt()}`})
    await assert.rejects(tokens.validToken(), {
      code: 'REFRESH_FAILED',
      exitCode: 3,
      message: 'UAA answered the token refresh with an HTML page, not a token (200)',
      hint,
    })
    nock(UAA).post('/oauth/token').reply(200, {token_type: 'bearer'})
    await assert.rejects(tokens.validToken(), {
      code: 'REFRESH_FAILED',
      message: 'UAA answered the token refresh with something other than a token (200)',
      hint,
    })
  })

  it('says once a run, as a notice, that a refreshed token could not be saved, and keeps using it', async () => {
    const [first, second] = [freshJwt(), freshJwt()]
    nock(UAA)
      .post('/oauth/token')
      .reply(200, {access_token: first, token_type: 'bearer'})
      .post('/oauth/token')
      .reply(200, {access_token: second, token_type: 'bearer'})
    const notices: string[] = []
    const tokens = await tokenSource({AccessToken: `bearer ${expiredJwt()}`}, undefined, (text) => notices.push(text))
    home!.remove()
    assert.equal(await tokens.refresh(), `bearer ${first}`)
    assert.equal(await tokens.refresh(), `bearer ${second}`)
    assert.equal(notices.length, 1)
    assert.match(notices[0], /^could not save the refreshed token: Not logged in\. .*; cf will refresh it again$/)
  })

  it('says an AuthorizationEndpoint that is not an http(s) URL is a config problem (exit 3), when a refresh needs it', async () => {
    const tokens = await tokenSource({AuthorizationEndpoint: 'uaa.example.com', AccessToken: `bearer ${expiredJwt()}`})
    await assert.rejects(tokens.validToken(), {
      code: 'CONFIG_INVALID',
      exitCode: 3,
      message: /^The AuthorizationEndpoint in .* is not an http\(s\) URL: 'uaa\.example\.com'$/,
    })
  })

  it('refuses to send credentials to UAA over plain http to a remote host', async () => {
    const tokens = await tokenSource({
      AuthorizationEndpoint: 'http://uaa.example.com',
      AccessToken: `bearer ${expiredJwt()}`,
    })
    await assert.rejects(tokens.validToken(), {code: 'CLEARTEXT_REFUSED', exitCode: 6})
  })

  describe('one refresh at a time', () => {
    it('asks UAA once for the refreshes that the keeper, a reconnect and a 401 retry ask for together', async () => {
      const fresh = freshJwt()
      nock(UAA)
        .post('/oauth/token')
        .once()
        .reply(200, {access_token: fresh, token_type: 'bearer', refresh_token: 'refresh-token-2'})
      const tokens = await tokenSource({AccessToken: `bearer ${expiredJwt()}`})
      assert.deepEqual(await Promise.all([tokens.refresh(), tokens.validToken(), tokens.refresh()]), [
        `bearer ${fresh}`,
        `bearer ${fresh}`,
        `bearer ${fresh}`,
      ])
    })

    it('asks UAA again for a refresh asked after the shared one ended', async () => {
      nock(UAA)
        .post('/oauth/token')
        .reply(200, {access_token: 'first', token_type: 'bearer'})
        .post('/oauth/token')
        .reply(200, {access_token: 'second', token_type: 'bearer'})
      const tokens = await tokenSource({})
      assert.equal(await tokens.refresh(), 'bearer first')
      assert.equal(await tokens.refresh(), 'bearer second')
    })

    it('gives every caller of a failed refresh its error, and asks again on the next call', async () => {
      nock(UAA)
        .post('/oauth/token')
        .reply(503)
        .post('/oauth/token')
        .reply(200, {access_token: 'later', token_type: 'bearer'})
      const tokens = await tokenSource({AccessToken: `bearer ${expiredJwt()}`})
      const outcomes = await Promise.allSettled([tokens.validToken(), tokens.refresh()])
      assert.deepEqual(
        outcomes.map((outcome) => outcome.status === 'rejected' && (outcome.reason as {code: string}).code),
        ['REFRESH_FAILED', 'REFRESH_FAILED'],
      )
      assert.equal(await tokens.refresh(), 'bearer later')
    })
  })

  it('cuts the UAA request short when the signal aborts', async () => {
    const controller = new AbortController()
    nock(UAA).post('/oauth/token').delay(60_000).reply(200, {access_token: 'too-late', token_type: 'bearer'})
    const tokens = await tokenSource({AccessToken: `bearer ${expiredJwt()}`}, controller.signal)
    const refreshing = tokens.validToken()
    setImmediate(() => controller.abort())
    await assert.rejects(refreshing, {code: 'ABORTED', message: 'Cancelled POST /oauth/token to UAA'})
  })
})
