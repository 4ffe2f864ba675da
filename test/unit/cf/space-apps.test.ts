import {strict as assert} from 'node:assert'
import nock from 'nock'

import {findSpaceApps, listSpaceApps} from '../../../src/cf/space-apps.js'
import {useLoggedInTokens} from '../../helpers/cf-home.js'
import {useNock} from '../../helpers/nock-setup.js'

const API = 'https://api.example.com'
const options = {target: API, verifyTls: true}
const space = {guid: 'space-guid-1', name: 'dev'}
const WEB = {guid: '11111111-1111-4111-8111-111111111111', name: 'web'}
const WORKER = {guid: '22222222-2222-4222-8222-222222222222', name: 'worker'}

describe('the apps of a space', () => {
  useNock()
  const login = useLoggedInTokens(API)

  it('lists every app of the space, page by page', async () => {
    nock(API)
      .get('/v3/apps')
      .query({per_page: '5000', space_guids: 'space-guid-1'})
      .reply(200, {
        resources: [WEB],
        pagination: {next: {href: `${API}/v3/apps?page=2&per_page=5000&space_guids=space-guid-1`}},
      })
      .get('/v3/apps')
      .query({page: '2', per_page: '5000', space_guids: 'space-guid-1'})
      .reply(200, {resources: [WORKER], pagination: {next: null}})
    assert.deepEqual(await listSpaceApps(options, login.tokens, space), [WEB, WORKER])
  })

  it('refuses an answer that is not a list of apps rather than read it as an empty space (exit 6)', async () => {
    nock(API).get('/v3/apps').query(true).reply(200, '<html>maintenance</html>', {'Content-Type': 'text/html'})
    await assert.rejects(listSpaceApps(options, login.tokens, space), {
      code: 'CC_UNEXPECTED_ANSWER',
      exitCode: 6,
      message: "The Cloud Controller's answer to GET /v3/apps is not a list of apps",
    })
  })

  it('finds several names in one request, in the order given, each once', async () => {
    nock(API)
      .get('/v3/apps')
      .query({names: 'worker,web', per_page: '5000', space_guids: 'space-guid-1'})
      .reply(200, {resources: [WEB, WORKER]})
    assert.deepEqual(
      await findSpaceApps(options, login.tokens, {names: ['worker', 'web', 'worker'], space, org: {name: 'acme'}}),
      [WORKER, WEB],
    )
  })

  it('names every missing app in one error (exit 5)', async () => {
    nock(API)
      .get('/v3/apps')
      .query(true)
      .reply(200, {resources: [WEB]})
    await assert.rejects(
      findSpaceApps(options, login.tokens, {names: ['web', 'api', 'db'], space, org: {name: 'acme'}}),
      {
        code: 'APP_NOT_FOUND',
        exitCode: 5,
        message: "Apps 'api', 'db' not found in space dev of org acme",
      },
    )
  })

  it('lists the whole space when a name holds a comma, which names= cannot carry', async () => {
    nock(API)
      .get('/v3/apps')
      .query({per_page: '5000', space_guids: 'space-guid-1'})
      .reply(200, {resources: [WEB, {guid: WORKER.guid, name: 'a,b'}]})
    assert.deepEqual(await findSpaceApps(options, login.tokens, {names: ['a,b', 'web'], space, org: {name: 'acme'}}), [
      {guid: WORKER.guid, name: 'a,b'},
      WEB,
    ])
  })
})
