import {strict as assert} from 'node:assert'
import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {logEnvelope} from '../helpers/envelopes.js'
import {TAILING_MYAPP, useFakeFoundation} from '../helpers/fake-foundation.js'
import {CliProcess, runCli} from '../helpers/run-cli.js'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const {version} = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}
// sha256 of the Apache License 2.0 as the ASF publishes it (LICENSE-2.0.txt).
const APACHE_2_SHA256 = 'cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30'
// What npm runs when it installs a package (npm's install-scripts.js); `prepare` too for a tarball.
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare']

interface PackResult {
  filename: string
  files: Array<{path: string}>
}

// The tarball as `npm pack` makes it (of the dist/ this test run built: --ignore-scripts skips the
// prepack build), unpacked where no node_modules folder is above it.
describe('the npm package', function () {
  this.timeout(60_000)
  const f = useFakeFoundation()
  let work: string
  let tarball: string
  let packed: PackResult
  const unpacked = (...path: string[]): string => join(work, 'package', ...path)

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'cfws-package-'))
    const {stdout} = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {cwd: ROOT})
    ;[packed] = JSON.parse(stdout) as PackResult[]
    tarball = join(work, packed.filename)
    await run('tar', ['-xzf', tarball, '-C', work])
  })

  after(() => rmSync(work, {recursive: true, force: true}))

  it('holds the bundles, the manifest, the licences and nothing else', () => {
    assert.deepEqual(packed.files.map((file) => file.path).sort(), [
      'LICENSE',
      'README.md',
      'bin/run.js',
      'dist/THIRD-PARTY-LICENSES.txt',
      'dist/command-not-found.cjs',
      'dist/commands-bundle.cjs',
      'dist/commands.cjs',
      'dist/compile-cache.cjs',
      'dist/demo.cjs',
      'dist/main.cjs',
      'oclif.manifest.json',
      'package.json',
    ])
    assert.equal(
      createHash('sha256')
        .update(readFileSync(unpacked('LICENSE')))
        .digest('hex'),
      APACHE_2_SHA256,
    )
    const notices = readFileSync(unpacked('dist', 'THIRD-PARTY-LICENSES.txt'), 'utf8')
    for (const bundled of [
      '@oclif/core 4.14.0 (MIT)',
      'ws 8.23.0 (MIT)',
      'protobufjs 8.8.1 (BSD-3-Clause)',
      'chalk 5.6.2 (MIT)',
    ]) {
      assert.match(notices, new RegExp(`^${bundled.replace(/[.()]/g, '\\$&')}$`, 'm'), bundled)
    }
  })

  it('depends on nothing and runs no script when installed', () => {
    const manifest = JSON.parse(readFileSync(unpacked('package.json'), 'utf8')) as {
      dependencies?: object
      scripts: Record<string, string>
      engines: object
    }
    assert.equal(manifest.dependencies, undefined)
    assert.deepEqual(
      INSTALL_SCRIPTS.filter((script) => script in manifest.scripts),
      [],
    )
    assert.deepEqual(manifest.engines, {node: '>=20.12'})
  })

  it('streams logs from the unpacked tarball, with no node_modules anywhere', async () => {
    assert.equal(existsSync(unpacked('node_modules')), false)
    const cli = new CliProcess(['logs', 'myapp'], {CF_HOME: f.home.dir}, {runJs: unpacked('bin', 'run.js')})
    ;(await f.tc.nextClient()).send(logEnvelope('Listening on port 8080'))
    assert.deepEqual(await cli.waitForStdoutLines(1), [
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT Listening on port 8080',
    ])
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    assert.equal(result.stderr, TAILING_MYAPP)
  })

  it('installs globally into an empty prefix without a warning, and the cfws it links runs', async () => {
    const prefix = join(work, 'prefix')
    const install = await run(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--offline',
        '--no-audit',
        '--no-fund',
        '--no-update-notifier',
        tarball,
      ],
      {
        env: {...process.env, npm_config_cache: join(work, 'npm-cache')},
      },
    )
    assert.equal(install.stderr, '')
    assert.deepEqual(readdirSync(join(prefix, 'lib', 'node_modules')), ['cfws'])
    assert.equal(existsSync(join(prefix, 'lib', 'node_modules', 'cfws', 'node_modules')), false)
    const {stdout} = await run(join(prefix, 'bin', 'cfws'), ['--version'], {env: {PATH: process.env.PATH, HOME: work}})
    assert.equal(stdout, `cfws/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
  })

  it('is the same CLI as the checkout’s', async () => {
    const fromTarball = new CliProcess(['logs', '--help'], {}, {runJs: unpacked('bin', 'run.js')})
    assert.deepEqual(await fromTarball.result(), await runCli(['logs', '--help']))
  })
})
