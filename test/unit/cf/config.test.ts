import {strict as assert} from 'node:assert'
import {execFileSync} from 'node:child_process'
import {
  chownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import {dirname, join} from 'node:path'

import {readCfConfig, requireTargetedSpace, saveTokens} from '../../../src/cf/config.js'
import {cfConfig, type CfHome, makeCfHome} from '../../helpers/cf-home.js'

describe('cf config', () => {
  let home: CfHome | undefined
  afterEach(() => home?.remove())

  it('reads the keys cfws needs from $CF_HOME/.cf/config.json', async () => {
    home = makeCfHome(cfConfig('https://api.example.com/', {UAAOAuthClient: '', SSLDisabled: true}))
    const config = await readCfConfig({CF_HOME: home.dir})
    assert.equal(config.target, 'https://api.example.com')
    assert.equal(config.oauthClient, 'cf', 'an empty client means the cf CLI default')
    assert.equal(config.sslDisabled, true)
    assert.deepEqual(config.space, {guid: 'space-guid-1', name: 'dev'})
  })

  for (const [name, content] of [
    ['a missing file', undefined],
    ['invalid JSON', '{"Target":'],
    ['a JSON array', '[]'],
    ['no AccessToken', JSON.stringify(cfConfig('https://api.example.com', {AccessToken: ''}))],
  ] as const) {
    it(`says "Not logged in" (exit 3) for ${name}`, async () => {
      home = makeCfHome(content ?? '{}')
      const env = {CF_HOME: content === undefined ? '/nonexistent' : home.dir}
      await assert.rejects(readCfConfig(env), (error: {exitCode: number; message: string}) => {
        assert.equal(error.exitCode, 3)
        assert.match(error.message, /^Not logged in\. Use 'cf login' to log in\./)
        return true
      })
    })
  }

  const unreadable = [
    [
      'a directory',
      (path: string) => {
        rmSync(path)
        mkdirSync(path)
      },
      'it is a directory',
    ],
    [
      'a FIFO, which a read would wait on forever',
      (path: string) => {
        rmSync(path)
        execFileSync('mkfifo', [path])
      },
      'it is not a regular file',
    ],
    [
      'a file far too large',
      (path: string) => truncateSync(path, 40 * 1024 * 1024),
      'it holds 40 MiB, far more than a cf config',
    ],
  ] as const
  for (const [name, make, why] of unreadable) {
    it(`says a config it cannot read is there, not missing (exit 3): ${name}`, async () => {
      home = makeCfHome(cfConfig('https://api.example.com'))
      make(home.configPath)
      await assert.rejects(readCfConfig({CF_HOME: home.dir}), {
        code: 'CONFIG_UNREADABLE',
        exitCode: 3,
        message: `Cannot read the cf config ${home.configPath}: ${why}`,
      })
    })
  }

  for (const target of ['api.example.com', 'ftp://api.example.com', 'https://[bad']) {
    it(`says a Target that is not an http(s) URL is a config problem (exit 3): ${target}`, async () => {
      home = makeCfHome(cfConfig(target))
      await assert.rejects(readCfConfig({CF_HOME: home.dir}), {
        code: 'CONFIG_INVALID',
        exitCode: 3,
        message: `The Target in ${home.configPath} is not an http(s) URL: '${target}'`,
        hint: "Set the API endpoint with 'cf api URL', then 'cf login'.",
      })
    })
  }

  it('refuses an AccessToken that holds a line break (exit 3), since no header can carry it', async () => {
    home = makeCfHome(cfConfig('https://api.example.com', {AccessToken: 'bearer abc\r\nX-Injected: 1'}))
    await assert.rejects(readCfConfig({CF_HOME: home.dir}), {
      code: 'CONFIG_INVALID',
      exitCode: 3,
      message: /AccessToken .* holds a line break/,
    })
  })

  it('says no space is targeted (exit 5)', async () => {
    home = makeCfHome(cfConfig('https://api.example.com', {SpaceFields: {GUID: '', Name: ''}}))
    const config = await readCfConfig({CF_HOME: home.dir})
    assert.throws(() => requireTargetedSpace(config), {
      code: 'NO_SPACE_TARGETED',
      exitCode: 5,
      message: "No space targeted, use 'cf target -s SPACE' to target a space.",
    })
  })

  it('says neither org nor space is targeted, as cf does, when no org is (exit 5)', async () => {
    home = makeCfHome(
      cfConfig('https://api.example.com', {
        OrganizationFields: {GUID: '', Name: ''},
        SpaceFields: {GUID: '', Name: ''},
      }),
    )
    const config = await readCfConfig({CF_HOME: home.dir})
    assert.throws(() => requireTargetedSpace(config), {
      code: 'NO_SPACE_TARGETED',
      exitCode: 5,
      message: "No org and space targeted, use 'cf target -o ORG -s SPACE' to target an org and space.",
    })
  })

  it('writes refreshed tokens atomically, keeping unknown keys and the file mode', async () => {
    home = makeCfHome(cfConfig('https://api.example.com', {SomeFutureKey: {nested: [1, 2]}}), 0o640)
    await saveTokens(home.configPath, {accessToken: 'bearer new', refreshToken: 'r2'})
    const saved = home.read()
    assert.equal(saved.AccessToken, 'bearer new')
    assert.equal(saved.RefreshToken, 'r2')
    assert.deepEqual(saved.SomeFutureKey, {nested: [1, 2]})
    assert.deepEqual(saved.PluginRepos, [{Name: 'CF-Community', URL: 'https://plugins.cloudfoundry.org'}])
    assert.equal(statSync(home.configPath).mode & 0o777, 0o640)
    assert.deepEqual(readdirSync(dirname(home.configPath)), ['config.json'], 'no temporary file is left behind')
  })

  it('writes through a symbolic link, which stays one', async () => {
    home = makeCfHome(cfConfig('https://api.example.com'))
    const real = join(home.dir, 'dotfiles-cf-config.json')
    renameSync(home.configPath, real)
    symlinkSync(real, home.configPath)
    await saveTokens(home.configPath, {accessToken: 'bearer new'})
    assert.ok(lstatSync(home.configPath).isSymbolicLink())
    assert.equal((JSON.parse(readFileSync(real, 'utf8')) as {AccessToken: string}).AccessToken, 'bearer new')
    assert.deepEqual(readdirSync(dirname(home.configPath)), ['config.json'], 'no temporary file is left behind')
  })

  it("keeps the config's owner when root refreshes another user's login", async function () {
    if (process.getuid?.() !== 0) this.skip()
    home = makeCfHome(cfConfig('https://api.example.com'))
    chownSync(home.configPath, 65_534, 65_534)
    await saveTokens(home.configPath, {accessToken: 'bearer new'})
    const {uid, gid} = statSync(home.configPath)
    assert.deepEqual([uid, gid], [65_534, 65_534])
    assert.equal(home.read().AccessToken, 'bearer new')
  })

  it('keeps what another writer changed since the config was read, and the refresh token it stored when UAA sent none', async () => {
    home = makeCfHome(cfConfig('https://api.example.com'))
    await readCfConfig({CF_HOME: home.dir})
    writeFileSync(
      home.configPath,
      JSON.stringify(
        cfConfig('https://api.other.example.com', {RefreshToken: 'from-cf', SpaceFields: {GUID: 's2', Name: 'prod'}}),
      ),
    )
    await saveTokens(home.configPath, {accessToken: 'bearer new'})
    const saved = home.read()
    assert.equal(saved.AccessToken, 'bearer new')
    assert.equal(saved.RefreshToken, 'from-cf')
    assert.equal(saved.Target, 'https://api.other.example.com')
    assert.deepEqual(saved.SpaceFields, {GUID: 's2', Name: 'prod'})
  })

  it('fails to save a config nested too deep to write back, leaving it as it was and no temporary file', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const text = JSON.stringify(cfConfig('https://api.example.com')).replace(/}$/, `,"Deep":${deep}}`)
    home = makeCfHome(text)
    assert.equal((await readCfConfig({CF_HOME: home.dir})).target, 'https://api.example.com')
    await assert.rejects(saveTokens(home.configPath, {accessToken: 'bearer new'}), {
      message: `${home.configPath} is nested too deeply to write back`,
    })
    assert.equal(readFileSync(home.configPath, 'utf8'), text)
    assert.deepEqual(readdirSync(dirname(home.configPath)), ['config.json'])
  })
})
