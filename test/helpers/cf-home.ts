import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {readCfConfig} from '../../src/cf/config.js'
import {TokenSource} from '../../src/cf/tokens.js'
import {freshJwt} from './jwt.js'

export const SPACE = {GUID: 'space-guid-1', Name: 'dev'}
export const ORG = {GUID: 'org-guid-1', Name: 'acme'}

/** A cf config as `cf login` leaves it, pointing at the given Cloud Controller and UAA. */
export function cfConfig(target: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ConfigVersion: 3,
    Target: target,
    APIVersion: '2.250.0',
    AuthorizationEndpoint: target,
    UaaEndpoint: target,
    DopplerEndPoint: '',
    LogCacheEndPoint: '',
    AccessToken: `bearer ${freshJwt()}`,
    RefreshToken: 'refresh-token-1',
    UAAGrantType: '',
    UAAOAuthClient: 'cf',
    UAAOAuthClientSecret: '',
    SSLDisabled: false,
    OrganizationFields: ORG,
    SpaceFields: SPACE,
    ColorEnabled: '',
    PluginRepos: [{Name: 'CF-Community', URL: 'https://plugins.cloudfoundry.org'}],
    ...overrides,
  }
}

export interface CfHome {
  dir: string
  configPath: string
  read(): Record<string, unknown>
  remove(): void
}

/** A temporary CF_HOME holding `.cf/config.json` (or the raw text given). */
export function makeCfHome(config: Record<string, unknown> | string, mode = 0o600): CfHome {
  const dir = mkdtempSync(join(tmpdir(), 'cfws-home-'))
  mkdirSync(join(dir, '.cf'))
  const configPath = join(dir, '.cf', 'config.json')
  writeFileSync(configPath, typeof config === 'string' ? config : JSON.stringify(config, null, 2), {mode})
  return {
    dir,
    configPath,
    read: () => JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>,
    remove: () => rmSync(dir, {recursive: true, force: true}),
  }
}

/** Before each test, a cf home logged in to `target` and the token source over its config; removed after. */
export function useLoggedInTokens(target: string): {readonly tokens: TokenSource} {
  let home: CfHome | undefined
  const login = {} as {tokens: TokenSource}
  beforeEach(async () => {
    home = makeCfHome(cfConfig(target))
    login.tokens = new TokenSource(await readCfConfig({CF_HOME: home.dir}), {verifyTls: true})
  })
  afterEach(() => home?.remove())
  return login
}
