import {strict as assert} from 'node:assert'
import nock from 'nock'

import {discoverLoggingEndpoint, findAppGuid} from '../../../src/cf/cloud-controller.js'
import {useLoggedInTokens} from '../../helpers/cf-home.js'
import {freshJwt} from '../../helpers/jwt.js'
import {useNock} from '../../helpers/nock-setup.js'

const API = 'https://api.example.com'
const options = {target: API, verifyTls: true}
const app = {name: 'myapp', space: {guid: 'space-guid-1', name: 'dev'}, org: {name: 'acme'}}

describe('Cloud Controller', () => {
  useNock()
  const login = useLoggedInTokens(API)

  it('reads doppler_logging_endpoint from /v2/info', async () => {
    nock(API).get('/v2/info').reply(200, {doppler_logging_endpoint: 'wss://doppler.sys.example.com:4443'})
    assert.equal(await discoverLoggingEndpoint(options), 'wss://doppler.sys.example.com:4443')
  })

  it('falls back to the root document’s links.logging when /v2/info is 404', async () => {
    nock(API)
      .get('/v2/info')
      .reply(404)
      .get('/')
      .reply(200, {links: {logging: {href: 'wss://doppler.sys.example.com:443'}, log_cache: null}})
    assert.equal(await discoverLoggingEndpoint(options), 'wss://doppler.sys.example.com:443')
  })

  it('says which endpoint is missing when neither names one (exit 6)', async () => {
    nock(API)
      .get('/v2/info')
      .reply(404)
      .get('/')
      .reply(200, {links: {logging: null}})
    await assert.rejects(discoverLoggingEndpoint(options), {code: 'NO_LOGGING_ENDPOINT', exitCode: 6})
  })

  it('says no logging endpoint is named only when /v2/info answers 200 in JSON without one', async () => {
    nock(API).get('/v2/info').reply(200, {api_version: '2.250.0'})
    await assert.rejects(discoverLoggingEndpoint(options), {
      code: 'NO_LOGGING_ENDPOINT',
      exitCode: 6,
      message: `The Cloud Controller at ${API} does not name a logging endpoint: /v2/info answered 200 without doppler_logging_endpoint`,
    })
  })

  describe('tells a /v2/info that fails as the failure it is (exit 6)', () => {
    const unhealthy = 'The Cloud Controller may be unhealthy; try again, or check `cf curl /v3/info`.'
    const notTheCc =
      'Something other than the Cloud Controller may be answering (a proxy, a load balancer): check `cf curl /v2/info` and HTTPS_PROXY.'
    const html = {'content-type': 'text/html'}
    const answered = (status: number): string => `The Cloud Controller answered ${status} to GET /v2/info`
    const cases = [
      {
        name: 'a 500 in JSON',
        status: 500,
        body: '{"error_code":"UnknownError"}',
        message: answered(500),
        hint: unhealthy,
      },
      {
        name: 'a 500 page',
        status: 500,
        body: '<html>Internal Server Error</html>',
        headers: html,
        message: answered(500),
      },
      {name: 'an empty 502', status: 502, body: '', message: answered(502)},
      {name: 'a 401 page', status: 401, body: '<html>Sign in</html>', headers: html, message: answered(401)},
      {name: 'a 403 in JSON', status: 403, body: '{"code":10003}', message: answered(403), hint: unhealthy},
      {
        name: 'a 200 login page',
        status: 200,
        body: '<!doctype html><title>SSO</title>',
        headers: html,
        code: 'CC_UNEXPECTED_ANSWER',
        message: "The Cloud Controller's answer to GET /v2/info is an HTML page, not JSON",
      },
      {
        name: 'a 200 of garbage',
        status: 200,
        body: 'garbage',
        headers: {'content-type': 'text/plain'},
        code: 'CC_UNEXPECTED_ANSWER',
        message: "The Cloud Controller's answer to GET /v2/info is not JSON",
      },
    ]
    for (const {name, status, body, headers, code, message, hint} of cases) {
      it(name, async () => {
        nock(API).get('/v2/info').reply(status, body, headers)
        await assert.rejects(discoverLoggingEndpoint(options), {
          code: code ?? 'CC_UNEXPECTED_STATUS',
          exitCode: 6,
          message,
          hint: hint ?? notTheCc,
        })
      })
    }
  })

  it('tells a root document that is not JSON from one without links.logging', async () => {
    nock(API).get('/v2/info').reply(404).get('/').reply(200, '<html>portal</html>', {'content-type': 'text/html'})
    await assert.rejects(discoverLoggingEndpoint(options), {
      code: 'CC_UNEXPECTED_ANSWER',
      message: "The Cloud Controller's answer to GET / is an HTML page, not JSON",
    })
    nock(API).get('/v2/info').reply(404).get('/').reply(503, {errors: []})
    await assert.rejects(discoverLoggingEndpoint(options), {
      code: 'CC_UNEXPECTED_STATUS',
      message: 'The Cloud Controller answered 503 to GET /',
    })
  })

  it('finds the app GUID by name in the targeted space', async () => {
    nock(API)
      .get('/v3/apps')
      .query({names: 'myapp', space_guids: 'space-guid-1'})
      .reply(200, {resources: [{guid: '11111111-1111-4111-8111-111111111111', name: 'myapp'}]})
    assert.equal(await findAppGuid(options, login.tokens, app), '11111111-1111-4111-8111-111111111111')
  })

  it('keeps only the app whose name is exactly the one asked for', async () => {
    nock(API)
      .get('/v3/apps')
      .query(true)
      .reply(200, {
        resources: [
          {guid: '99999999-9999-4999-8999-999999999999', name: 'myapp-2'},
          {guid: '11111111-1111-4111-8111-111111111111', name: 'myapp'},
        ],
      })
    assert.equal(await findAppGuid(options, login.tokens, app), '11111111-1111-4111-8111-111111111111')
    nock(API)
      .get('/v3/apps')
      .query(true)
      .reply(200, {resources: [{guid: '99999999-9999-4999-8999-999999999999', name: 'MyApp'}]})
    await assert.rejects(findAppGuid(options, login.tokens, app), {code: 'APP_NOT_FOUND'})
  })

  it('looks for a name with a comma among every app of the space, page by page, on the Target only', async () => {
    const comma = {...app, name: 'a,b'}
    nock(API)
      .get('/v3/apps')
      .query({per_page: '5000', space_guids: 'space-guid-1'})
      .reply(200, {
        resources: [{guid: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', name: 'a'}],
        pagination: {next: {href: 'https://elsewhere.example.com/v3/apps?page=2&per_page=5000'}},
      })
      .get('/v3/apps')
      .query({page: '2', per_page: '5000'})
      .reply(200, {
        resources: [
          {guid: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', name: 'b'},
          {guid: 'abababab-abab-4bab-8bab-abababababab', name: 'a,b'},
        ],
        pagination: {next: null},
      })
    assert.equal(await findAppGuid(options, login.tokens, comma), 'abababab-abab-4bab-8bab-abababababab')
  })

  it('refuses an app id that is not a GUID: the Traffic Controller would answer it with a 401, read as a bad token', async () => {
    nock(API)
      .get('/v3/apps')
      .query(true)
      .reply(200, {resources: [{guid: 'not-a-guid', name: 'myapp'}]})
    await assert.rejects(findAppGuid(options, login.tokens, app), {
      code: 'CC_INVALID_APP_GUID',
      message: "The Cloud Controller gave app 'myapp' the id 'not-a-guid', which is not a GUID",
    })
  })

  it('says the app is not found (exit 5) on an empty resources list', async () => {
    nock(API).get('/v3/apps').query(true).reply(200, {resources: []})
    await assert.rejects(findAppGuid(options, login.tokens, app), {
      code: 'APP_NOT_FOUND',
      exitCode: 5,
      message: "App 'myapp' not found in space dev of org acme",
    })
  })

  it('refreshes once on 401 and tries again', async () => {
    const fresh = freshJwt()
    nock(API)
      .get('/v3/apps')
      .query(true)
      .reply(401, {errors: [{code: 1000, title: 'CF-InvalidAuthToken'}]})
    nock(API).post('/oauth/token').reply(200, {access_token: fresh, token_type: 'bearer'})
    nock(API, {reqheaders: {authorization: `bearer ${fresh}`}})
      .get('/v3/apps')
      .query(true)
      .reply(200, {resources: [{guid: '22222222-2222-4222-8222-222222222222', name: 'myapp'}]})
    assert.equal(await findAppGuid(options, login.tokens, app), '22222222-2222-4222-8222-222222222222')
  })

  it('gives up with exit 3 on a second 401, and exit 4 on 403', async () => {
    nock(API).get('/v3/apps').query(true).twice().reply(401)
    nock(API).post('/oauth/token').reply(200, {access_token: freshJwt(), token_type: 'bearer'})
    await assert.rejects(findAppGuid(options, login.tokens, app), {code: 'CC_UNAUTHORIZED', exitCode: 3})
    nock(API).get('/v3/apps').query(true).reply(403)
    await assert.rejects(findAppGuid(options, login.tokens, app), {code: 'CC_FORBIDDEN', exitCode: 4})
  })

  it('says a failing app lookup in HTML comes from something other than the Cloud Controller', async () => {
    nock(API).get('/v3/apps').query(true).reply(502, '<html>Bad Gateway</html>', {'content-type': 'text/html'})
    await assert.rejects(findAppGuid(options, login.tokens, app), {
      code: 'CC_UNEXPECTED_STATUS',
      message: 'The Cloud Controller answered 502 to GET /v3/apps',
      hint: 'Something other than the Cloud Controller may be answering (a proxy, a load balancer): check `cf curl /v3/apps` and HTTPS_PROXY.',
    })
  })

  it('explains an unreachable Cloud Controller (exit 6)', async () => {
    nock(API)
      .get('/v2/info')
      .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND'), {code: 'ENOTFOUND'}))
    await assert.rejects(discoverLoggingEndpoint(options), {code: 'DNS_FAILURE', exitCode: 6})
  })

  it('sends nothing once the run’s signal has aborted', async () => {
    // No interceptor: a request would fail as a blocked connection, not as ABORTED.
    await assert.rejects(discoverLoggingEndpoint({...options, signal: AbortSignal.abort()}), {code: 'ABORTED'})
    await assert.rejects(findAppGuid({...options, signal: AbortSignal.abort()}, login.tokens, app), {code: 'ABORTED'})
  })
})
