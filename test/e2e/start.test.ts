import {strict as assert} from 'node:assert'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {CliProcess, runCli} from '../helpers/run-cli.js'

const {version} = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}

// The CLI runs from two esbuild bundles with oclif's explicit command discovery: these are the start
// paths that load oclif alone (--version, help from the manifest) or the commands bundle as well.
describe('cfws start-up from the bundle', () => {
  it('prints its version line from package.json', async () => {
    const result = await runCli(['--version'])
    assert.equal(result.code, 0)
    assert.equal(result.stdout, `cfws/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
    assert.equal(result.stderr, '')
  })

  it('lists both commands in the root help and shows a command’s flags', async () => {
    const root = await runCli(['--help'])
    assert.equal(root.code, 0)
    assert.match(root.stdout, /^ {2}firehose +Stream every envelope/m)
    assert.match(root.stdout, /^ {2}logs +Stream an app's logs/m)
    const logs = await runCli(['logs', '--help'])
    assert.equal(logs.code, 0)
    assert.match(
      logs.stdout,
      /^USAGE\n {2}\$ cfws logs \[APP\.\.\.\] \[--json \| --raw-escapes \| --timestamps\n {4}STYLE\] \[--endpoint URL\] \[--skip-ssl-validation\] \[--\[no-\]color\]/m,
    )
    assert.match(
      logs.stdout,
      /\[--recent \| --for DURATION\] \[--tail N\] \[--max-lines N\] \[--since\n {4}DURATION\|TIME\]\n/,
    )
    assert.doesNotMatch(logs.stdout, / \]/)
    const help = await runCli(['help', 'firehose'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /--subscription-id/)
  })

  it('loads none of what its dependencies bring that the CLI never uses', () => {
    const dist = (name: string): string => fileURLToPath(new URL(`../../dist/${name}`, import.meta.url))
    // The commands bundle loaded as a command's run loads it, each package it asks Node for recorded.
    const script = `
      const Module = require('node:module')
      const {requireCached} = require(${JSON.stringify(dist('compile-cache.cjs'))})
      requireCached(${JSON.stringify(dist('main.cjs'))})
      const packages = []
      const resolve = Module._resolveFilename
      Module._resolveFilename = function (request, ...rest) {
        if (!Module.isBuiltin(request) && !request.startsWith('.')) packages.push(request)
        return resolve.call(this, request, ...rest)
      }
      requireCached(${JSON.stringify(dist('commands-bundle.cjs'))})
      console.log(JSON.stringify({packages, zlib: process.moduleLoadList.includes('NativeModule zlib')}))`
    const run = spawnSync(process.execPath, ['-e', script], {
      env: {PATH: process.env.PATH, NODE_DISABLE_COMPILE_CACHE: '1'},
      encoding: 'utf8',
    })
    assert.equal(run.stderr, '')
    const loaded = JSON.parse(run.stdout) as {packages: string[]; zlib: boolean}
    // Not ws's search for its optional bufferutil addon, nor zlib for compression never negotiated.
    assert.deepEqual(loaded.packages, [])
    assert.equal(loaded.zlib, false)
    // Bundled but never run: ws's server, protobufjs's writer, long.js (which compiles WebAssembly as it loads).
    const bundled = readFileSync(dist('commands-bundle.cjs'), 'utf8')
    for (const unused of ['ws/lib/websocket-server.js', 'protobufjs/src/writer.js', 'node_modules/long/'])
      assert.ok(!bundled.includes(unused), unused)
    // The demo's foundation is a bundle of its own, read only when `cfws demo` runs.
    for (const demo of ['src/demo/foundation.ts', 'src/demo/traffic-controller.ts', 'src/envelope/encode.ts'])
      assert.ok(!bundled.includes(demo), demo)
    assert.match(bundled, /requireCached\(require\.resolve\("\.\/demo\.cjs"\)\)/)
  })

  describe('code cache', () => {
    let cacheHome: string
    const cacheDir = (): string => join(cacheHome, 'cfws', 'compile-cache')
    const files = (): string[] => readdirSync(cacheDir()).sort()
    // As the cache's file names write the Node version: without dots.
    const NODE_VERSION = process.versions.node.replaceAll('.', '_')
    // A cache file's name without the build's hash and this Node's version.
    const build = (name: string): string => name.replace(`.node${NODE_VERSION}.`, '.').replace(/\.[0-9a-f]{16}\./, ' ')

    beforeEach(() => {
      cacheHome = mkdtempSync(join(tmpdir(), 'cfws-cache-'))
    })
    afterEach(() => rmSync(cacheHome, {recursive: true, force: true}))

    it('writes one for each bundle a run loaded, and the next run uses it as it is', async () => {
      // A command that runs loads the commands bundle too.
      const first = await runCli(['completion', 'bash'], {XDG_CACHE_HOME: cacheHome})
      assert.equal(first.code, 0)
      assert.deepEqual(
        files().map((name) => build(name)),
        ['commands-bundle.cjs completion', 'main.cjs completion'],
      )
      const written = files().map((name) => statSync(join(cacheDir(), name)).mtimeMs)
      const second = await runCli(['completion', 'bash'], {XDG_CACHE_HOME: cacheHome})
      assert.deepEqual(second, first)
      // V8 accepted both: a rejected cache is written again.
      assert.deepEqual(
        files().map((name) => statSync(join(cacheDir(), name)).mtimeMs),
        written,
      )
    })

    it('writes every bundle a run ended by Ctrl-C loaded, before it ends by the signal', async () => {
      // The demo: a stream that runs until Ctrl-C, as `cfws logs` usually does, and loads all three.
      const cli = new CliProcess(['demo', 'logs', 'web'], {XDG_CACHE_HOME: cacheHome, TMPDIR: cacheHome})
      await cli.waitForStdoutLines(1)
      cli.child.kill('SIGINT')
      const result = await cli.result()
      assert.deepEqual({code: result.code, signal: result.signal}, {code: 130, signal: 'SIGINT'})
      assert.deepEqual(
        files().map((name) => build(name)),
        ['commands-bundle.cjs demo', 'demo.cjs demo', 'main.cjs demo'],
      )
    })

    it('keeps one for each command, written by a run that did not fail, and drops those of other builds', async () => {
      mkdirSync(cacheDir(), {recursive: true})
      const leftovers = [
        'main.cjs.0123456789abcdef',
        'main.cjs.0123456789abcdef.logs',
        'commands-bundle.cjs.0123456789abcdef.logs.4242',
      ]
      for (const name of leftovers) writeFileSync(join(cacheDir(), name), 'an earlier build')
      writeFileSync(join(cacheDir(), 'unrelated-file'), 'kept')
      // Failed runs (a usage error, an unknown command) and help write none.
      assert.equal((await runCli(['logs'], {XDG_CACHE_HOME: cacheHome})).code, 2)
      assert.equal((await runCli(['lgos'], {XDG_CACHE_HOME: cacheHome})).code, 2)
      assert.deepEqual(files(), [...leftovers, 'unrelated-file'].sort())
      await runCli(['logs', '--help'], {XDG_CACHE_HOME: cacheHome})
      const [other] = files().filter((name) => name.endsWith('.other'))
      // Another run of this build may be writing its cache meanwhile: its temporary file stays.
      const writing = other.replace(/other$/, 'doctor.4343')
      writeFileSync(join(cacheDir(), writing), 'being written')
      await runCli(['completion', 'bash'], {XDG_CACHE_HOME: cacheHome})
      assert.deepEqual(
        files().map((name) => build(name)),
        [
          'commands-bundle.cjs completion',
          'main.cjs completion',
          'main.cjs doctor.4343',
          'main.cjs other',
          'unrelated-file',
        ],
      )
    })

    it('keeps the cache of this build for the other Node version written last, for a run of that Node', async () => {
      await runCli(['--version'], {XDG_CACHE_HOME: cacheHome})
      const [main] = files()
      const ofNode = (version: string): string => main.replace(`.node${NODE_VERSION}.`, `.node${version}.`)
      const hourAgo = Date.now() / 1000 - 3600
      for (const [version, writtenS] of [
        ['0_0_1', hourAgo],
        ['0_0_2', hourAgo + 60],
        ['0_0_3-rc_1', hourAgo - 60],
      ] as const) {
        writeFileSync(join(cacheDir(), ofNode(version)), `the code cache of Node ${version}`)
        utimesSync(join(cacheDir(), ofNode(version)), writtenS, writtenS)
      }

      // Another Node's run writing its cache: its temporary file stays, to be renamed.
      const writing = `${ofNode('0_0_4')}.4242`
      writeFileSync(join(cacheDir(), writing), 'being written')
      writeFileSync(join(cacheDir(), main), 'not a code cache')
      await runCli(['--version'], {XDG_CACHE_HOME: cacheHome})
      assert.deepEqual(files(), [ofNode('0_0_2'), main, writing].sort())
      assert.equal(readFileSync(join(cacheDir(), ofNode('0_0_2')), 'utf8'), 'the code cache of Node 0_0_2')
      assert.notEqual(readFileSync(join(cacheDir(), main), 'utf8'), 'not a code cache')
    })

    it('replaces a damaged cache without a word', async () => {
      await runCli(['--version'], {XDG_CACHE_HOME: cacheHome})
      const [main] = files()
      writeFileSync(join(cacheDir(), main), 'not a code cache')
      const result = await runCli(['--version'], {XDG_CACHE_HOME: cacheHome})
      assert.equal(result.code, 0)
      assert.equal(result.stderr, '')
      assert.match(result.stdout, /^cfws\//)
      assert.notEqual(readFileSync(join(cacheDir(), main), 'utf8'), 'not a code cache')
    })

    it('writes none with NODE_DISABLE_COMPILE_CACHE, as Node does', async () => {
      const result = await runCli(['--version'], {XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: '1'})
      assert.equal(result.code, 0)
      assert.deepEqual(readdirSync(cacheHome), [])
    })
  })
})
