import {strict as assert} from 'node:assert'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cfConfig, makeCfHome} from '../helpers/cf-home.js'
import {APP_GUID, logEnvelope} from '../helpers/envelopes.js'
import {TAILING_MYAPP, useFakeFoundation} from '../helpers/fake-foundation.js'
import {expiredJwt, freshJwt} from '../helpers/jwt.js'
import {CliProcess, runCli} from '../helpers/run-cli.js'

const {version} = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}
const VERSION_LINE = `cfws/${version} ${process.platform}-${process.arch} node-${process.version}\n`

describe('bad input (end to end)', () => {
  const f = useFakeFoundation()

  async function cfws(
    args: string[],
    env: Record<string, string> = {},
  ): Promise<{code: number | null; stdout: string; stderr: string}> {
    const {code, stdout, stderr} = await runCli(args, {CF_HOME: f.home.dir, ...env})
    return {code, stdout, stderr}
  }

  it('reads nothing of a data folder of oclif plugins, one it cannot read included', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cfws-home-'))
    try {
      // What a package.json that cannot be read looks like to root too: a folder of that name.
      mkdirSync(join(home, '.local', 'share', 'cfws', 'package.json'), {recursive: true})
      const result = await cfws(['logs', 'myapp'], {HOME: home, CF_HOME: join(home, 'no-cf')})
      assert.equal(result.code, 3)
      assert.equal(
        result.stderr,
        `cfws: Not logged in. Use 'cf login' to log in.\nhint: No cf config at ${join(home, 'no-cf', '.cf', 'config.json')}; set CF_HOME if it lives elsewhere.\n`,
      )
    } finally {
      rmSync(home, {recursive: true, force: true})
    }
  })

  describe('app names', () => {
    it('finds no app for a list of names, instead of streaming the first one that matches (exit 5)', async () => {
      f.cc.apps = {myapp: APP_GUID, 'other-app': 'guid-of-other-app'}
      const result = await cfws(['logs', 'other-app,myapp'])
      assert.equal(result.code, 5)
      assert.equal(
        result.stderr,
        "cfws: App 'other-app,myapp' not found in space dev of org acme\nhint: Check the name with 'cf apps', or target another space with 'cf target -s SPACE'.\n",
      )
      assert.equal(f.tc.upgrades.length, 0)
    })

    it('streams an app whose name holds a comma, found among the space’s apps', async () => {
      f.cc.apps = {my: 'guid-of-my', 'my,app': APP_GUID, app: 'guid-of-app'}
      const cli = new CliProcess(['logs', 'my,app', '--json'], {CF_HOME: f.home.dir})
      ;(await f.tc.nextClient()).send(logEnvelope('hello'))
      const [line] = await cli.waitForStdoutLines(1)
      assert.match(line, /^\{"timestamp":"[^"]+","app":"my,app",/)
      cli.child.kill('SIGINT')
      assert.equal((await cli.result()).code, 130)
      assert.equal(f.tc.upgrades[0].path, `/apps/${APP_GUID}/stream`)
      assert.equal(
        f.cc.requests.find((r) => r.path.startsWith('/v3/apps'))?.path,
        '/v3/apps?per_page=5000&space_guids=space-guid-1',
      )
    })

    it('refuses an empty app name as a usage error (exit 2), asking nothing of the Cloud Controller', async () => {
      const result = await cfws(['logs', ''])
      assert.equal(result.code, 2)
      assert.equal(
        result.stderr,
        "cfws: The app name is empty\nhint: Give the name of an app in the targeted space, as 'cf apps' lists it.\n",
      )
      assert.deepEqual(f.cc.requests, [])
    })
  })

  describe('the command line: exit 2, one cfws: line and a hint', () => {
    for (const [args, stderr] of [
      [['logs', 'a', '--all'], "cfws: Give app names or --all, not both\nhint: See 'cfws logs --help'.\n"],
      [
        ['logs', '--app-regex', '(api'],
        "cfws: Invalid regular expression in --app-regex '(api': /(api/: Unterminated group\nhint: Use a JavaScript regular expression, e.g. --app-regex '^api-'; quote it for the shell.\n",
      ],
      [
        ['logs', 'web', '--order-window', 'soon'],
        "cfws: Invalid --order-window 'soon'\nhint: Use numbers with units, as Go writes durations: 250ms, 45s, 10m, 1h30m or 1d.\n",
      ],
      [['bogus'], 'cfws: unknown command "bogus"\nhint: \'cfws --help\' lists the commands.\n'],
      [
        ['log', 'myapp'],
        'cfws: unknown command "log"\nhint: Did you mean "logs"? \'cfws --help\' lists the commands.\n',
      ],
      [
        ['fierhose'],
        'cfws: unknown command "fierhose"\nhint: Did you mean "firehose"? \'cfws --help\' lists the commands.\n',
      ],
      [
        ['help', 'log'],
        'cfws: unknown command "log"\nhint: Did you mean "logs"? \'cfws --help\' lists the commands.\n',
      ],
      [
        ['--json'],
        'cfws: unknown flag "--json" before any command\nhint: Give the command first (cfws logs APP --json); \'cfws --help\' lists the commands.\n',
      ],
      [
        ['firehose', '--subscription-id', ''],
        'cfws: The --subscription-id is empty\nhint: Leave the flag out for a random id, or give the id the other processes use.\n',
      ],
      [
        ['firehose', '--subscription-id', '..'],
        "cfws: The --subscription-id cannot be '..'\nhint: Leave the flag out for a random id, or give the id the other processes use.\n",
      ],
      [
        ['firehose', '--filter='],
        'cfws: The --filter names no event type\nhint: Give one or more of HttpStartStop, LogMessage, ValueMetric, CounterEvent, Error, ContainerMetric, or leave --filter out for every envelope.\n',
      ],
      [
        ['logs', 'myapp', '--recent', '--since', '2026-02-30T00:00:00Z'],
        "cfws: Invalid --since '2026-02-30T00:00:00Z': no such time\nhint: Use a duration back from now (90s, 10m, 1h30m, 2d) or an RFC 3339 time (2026-11-24T09:00:00Z).\n",
      ],
      [
        ['logs', 'myapp', '--recent', '--since', '99999999999999999999h'],
        "cfws: Invalid --since '99999999999999999999h': reaches back before 1970\nhint: Use a duration back from now (90s, 10m, 1h30m, 2d) or an RFC 3339 time (2026-11-24T09:00:00Z).\n",
      ],
      [
        ['logs', 'myapp', '--buffer-size', '99999999999999999999GiB'],
        "cfws: Invalid --buffer-size '99999999999999999999GiB': too large\nhint: Use bytes, a decimal or a binary unit: 4096, 500kB, 16MB, 16MiB, 1GiB.\n",
      ],
      [
        ['firehose', '--idle-timeout', '597h'],
        "cfws: Invalid --idle-timeout '597h': longer than 596h\nhint: Use numbers with units, as Go writes durations: 250ms, 45s, 10m, 1h30m or 1d.\n",
      ],
    ] as const) {
      it(`cfws ${args.map((arg) => (arg === '' ? "''" : arg)).join(' ')}`, async () => {
        const result = await cfws([...args])
        assert.deepEqual(result, {code: 2, stdout: '', stderr})
        assert.deepEqual(f.cc.requests, [], 'nothing was asked of the foundation')
      })
    }
  })

  describe('help and version, wherever they stand', () => {
    for (const args of [
      ['-h'],
      ['--help'],
      ['logs', '-h'],
      ['logs', 'myapp', '-h'],
      ['firehose', '--filter', 'nope', '--help'],
    ]) {
      it(`cfws ${args.join(' ')} shows help (exit 0)`, async () => {
        const result = await cfws(args)
        assert.equal(result.code, 0)
        assert.match(
          result.stdout,
          args[0].startsWith('-') ? /^ {2}logs +Stream an app's logs/m : new RegExp(`\\$ cfws ${args[0]} `),
        )
        assert.equal(result.stderr, '')
      })
    }

    for (const args of [['-v'], ['--version'], ['version'], ['logs', 'myapp', '-v'], ['firehose', '--version']]) {
      it(`cfws ${args.join(' ')} prints the version (exit 0)`, async () => {
        assert.deepEqual(await cfws(args), {code: 0, stdout: VERSION_LINE, stderr: ''})
      })
    }

    it('takes -v after -- as an argument', async () => {
      const result = await cfws(['logs', '--', '-v'])
      assert.equal(result.code, 5)
      assert.match(result.stderr, /^cfws: App '-v' not found/)
    })
  })

  describe('the cf config and the environment', () => {
    it('says a Target that is not a URL is a login problem (exit 3)', async () => {
      f.login({Target: 'api.example.com'})
      const result = await cfws(['logs', 'myapp'])
      assert.equal(result.code, 3)
      assert.equal(
        result.stderr,
        `cfws: The Target in ${f.home.configPath} is not an http(s) URL: 'api.example.com'\nhint: Set the API endpoint with 'cf api URL', then 'cf login'.\n`,
      )
    })

    it('says a Target that is not http(s) is a login problem (exit 3)', async () => {
      f.login({Target: 'ftp://api.example.com'})
      const result = await cfws(['firehose'])
      assert.equal(result.code, 3)
      assert.equal(
        result.stderr,
        `cfws: The Target in ${f.home.configPath} is not an http(s) URL: 'ftp://api.example.com'\nhint: Set the API endpoint with 'cf api URL', then 'cf login'.\n`,
      )
    })

    it('says an AuthorizationEndpoint that is not a URL is a login problem (exit 3) when the token needs a refresh', async () => {
      f.login({AccessToken: `bearer ${expiredJwt()}`, AuthorizationEndpoint: 'https://[uaa'})
      const result = await cfws(['logs', 'myapp'])
      assert.equal(result.code, 3)
      assert.equal(
        result.stderr,
        `cfws: The AuthorizationEndpoint in ${f.home.configPath} is not an http(s) URL: 'https://[uaa'\nhint: Log in again with 'cf login'.\n`,
      )
    })

    it('says an AccessToken with a line break is a login problem (exit 3)', async () => {
      f.login({AccessToken: `bearer ${freshJwt()}\r\nX-Injected: yes`})
      const result = await cfws(['logs', 'myapp'])
      assert.equal(result.code, 3)
      assert.equal(
        result.stderr,
        `cfws: Not logged in. Use 'cf login' to log in. (the AccessToken in ${f.home.configPath} holds a line break or another control character)\nhint: Log in again with 'cf login'.\n`,
      )
      assert.deepEqual(f.cc.requests, [])
    })

    it('says an HTTPS_PROXY that is not a URL is a usage error (exit 2), without echoing it', async () => {
      f.login({Target: 'https://api.example.invalid'})
      const result = await cfws(['logs', 'myapp'], {HTTPS_PROXY: 'http://user:s3cret@[proxy'})
      assert.equal(result.code, 2)
      assert.equal(
        result.stderr,
        'cfws: HTTPS_PROXY is not an http:// or https:// proxy URL\nhint: Set HTTPS_PROXY=http://HOST:PORT (with USER:PASSWORD@ before HOST if the proxy wants credentials), or unset it.\n',
      )
    })
  })

  describe('saving a refreshed token', () => {
    it('keeps what cf wrote to the config between the start and the refresh', async () => {
      f.login({AccessToken: `bearer ${expiredJwt()}`})
      f.cc.tokenAnswers = [{status: 200, body: {access_token: freshJwt(), token_type: 'bearer'}}]
      let answerToken!: () => void
      f.cc.tokenAnswering = new Promise((resolve) => (answerToken = resolve))
      const cli = new CliProcess(['logs', 'myapp'], {CF_HOME: f.home.dir})
      await f.cc.waitForRequest((request) => request.path === '/oauth/token')
      // What `cf target -s prod` and a refresh of cf's own would leave, while cfws waits for UAA.
      const byCf = {
        ...f.home.read(),
        RefreshToken: 'refresh-token-of-cf',
        SpaceFields: {GUID: 'space-guid-1', Name: 'dev'},
        ColorEnabled: 'true',
      }
      writeFileSync(f.home.configPath, JSON.stringify(byCf, null, 2))
      answerToken()
      await f.tc.nextClient()
      await cli.waitForStderr(/tailing/)
      cli.child.kill('SIGINT')
      const result = await cli.result()
      assert.equal(result.code, 130)
      assert.equal(result.stderr, TAILING_MYAPP)
      const saved = f.home.read()
      assert.equal(saved.AccessToken, `bearer ${f.tc.upgrades[0].authorization?.slice('bearer '.length)}`)
      assert.deepEqual(
        {...saved, AccessToken: undefined},
        {...byCf, AccessToken: undefined},
        'every key but the access token is as cf left it',
      )
    })

    it('says once that the token could not be saved to a config nested too deep, and streams on', async () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000)
      const text = JSON.stringify(cfConfig(f.cc.url, {AccessToken: `bearer ${expiredJwt()}`})).replace(
        /}$/,
        `,"Deep":${deep}}`,
      )
      const home = makeCfHome(text)
      try {
        const cli = new CliProcess(['logs', 'myapp'], {CF_HOME: home.dir})
        ;(await f.tc.nextClient()).send(logEnvelope('still streaming'))
        await cli.waitForStdoutLines(1)
        cli.child.kill('SIGINT')
        const result = await cli.result()
        assert.equal(result.code, 130)
        assert.equal(
          result.stderr,
          `cfws: could not save the refreshed token: ${home.configPath} is nested too deeply to write back; cf will refresh it again\n${TAILING_MYAPP}`,
        )
        assert.equal(readFileSync(home.configPath, 'utf8'), text)
      } finally {
        home.remove()
      }
    })
  })
})
