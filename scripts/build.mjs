// `npm run build`: the CLI as CommonJS bundles in dist/, loaded with V8's code cache
// (src/compile-cache.ts). main.cjs is oclif with the part of its API the commands use (src/oclif.ts);
// commands-bundle.cjs is our code, ws and protobufjs, loaded only to run a command, and takes oclif
// from main.cjs rather than bundling a second copy.
import {createHash} from 'node:crypto'
import {readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'

import {build} from 'esbuild'

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  external: ['typescript'],
  metafile: true,
}

const oclifFromMain = {
  name: 'oclif-from-main',
  setup(esbuild) {
    esbuild.onResolve({filter: /\/oclif\.js$/}, () => ({path: './main.cjs', external: true}))
  },
}

// `cfws demo` loads its foundation (servers, stories) only when it runs: a bundle of its own, so a
// normal start neither reads nor compiles it. The dynamic import becomes a require (a bundle run
// through the code cache is a vm.Script, which has no dynamic import), through the code cache too.
const demoFromItsBundle = {
  name: 'demo-from-its-bundle',
  setup(esbuild) {
    esbuild.onResolve({filter: /\/demo\/foundation\.js$/}, () => ({path: 'demo', namespace: 'demo-bundle'}))
    esbuild.onResolve({filter: /^\.\/(compile-cache|demo)\.cjs$/}, (args) => ({path: args.path, external: true}))
    esbuild.onLoad({filter: /.*/, namespace: 'demo-bundle'}, () => ({
      contents: "module.exports = require('./compile-cache.cjs').requireCached(require.resolve('./demo.cjs'))",
      loader: 'js',
    }))
  },
}

// `ws` is the client and the server, and its ESM entry loads both; the CLI is only a client.
const wsClientOnly = {
  name: 'ws-client-only',
  setup(esbuild) {
    const client = join(dirname(createRequire(import.meta.url).resolve('ws')), 'lib', 'websocket.js')
    esbuild.onResolve({filter: /^ws$/}, () => ({path: client}))
  },
}

// ws's permessage-deflate requires zlib as it loads, though the CLI never asks for compression
// (perMessageDeflate: false): it gets zlib on first use instead (~0.5 ms of every start).
const wsLazyZlib = {
  name: 'ws-lazy-zlib',
  setup(esbuild) {
    esbuild.onResolve({filter: /^zlib$/}, (args) =>
      /[\\/]ws[\\/]lib[\\/]/.test(args.importer) ? {path: 'zlib', namespace: 'lazy'} : undefined,
    )
    esbuild.onLoad({filter: /.*/, namespace: 'lazy'}, () => ({
      contents: "let zlib\nmodule.exports = new Proxy({}, {get: (_, name) => (zlib ??= require('node:zlib'))[name]})",
      loader: 'js',
    }))
  },
}

// protobufjs reads 64-bit values into long.js's Long when it finds the package, and long.js compiles
// a WebAssembly module as it loads (about a millisecond of every start). The scanner reads 64-bit
// varints itself and never asks protobufjs for one: the bundle goes without, as protobufjs allows.
const withoutLong = {
  name: 'without-long',
  setup(esbuild) {
    esbuild.onResolve({filter: /^long$/}, () => ({path: 'long', namespace: 'left-out'}))
    esbuild.onLoad({filter: /.*/, namespace: 'left-out'}, () => ({contents: 'module.exports = null', loader: 'js'}))
  },
}

// ws looks for the optional native `bufferutil` addon on every start (a failed require walks every
// node_modules folder up to the root); the bundle never has it, and it only speeds up masking what
// a client sends, which is nearly nothing here. ws's own switch skips the search.
const noWsAddons = {'process.env.WS_NO_BUFFER_UTIL': '"1"'}

await rm('dist', {recursive: true, force: true})
const builds = []
builds.push(await build({...common, entryPoints: ['src/main.ts'], outdir: 'dist', outExtension: {'.js': '.cjs'}}))
// oclif requires a hook's file only when its event fires (an unknown command): its own small bundle.
builds.push(
  await build({
    ...common,
    entryPoints: {'command-not-found': 'src/hooks/command-not-found.ts'},
    outdir: 'dist',
    outExtension: {'.js': '.cjs'},
  }),
)
builds.push(
  await build({
    ...common,
    entryPoints: {'commands-bundle': 'src/commands.ts'},
    outdir: 'dist',
    outExtension: {'.js': '.cjs'},
    define: noWsAddons,
    plugins: [oclifFromMain, demoFromItsBundle, wsClientOnly, wsLazyZlib, withoutLong],
  }),
)
// The demo's Traffic Controller is a ws server; its encoder hands 64-bit values over as words, without long.js.
builds.push(
  await build({
    ...common,
    entryPoints: {demo: 'src/demo/foundation.ts'},
    outdir: 'dist',
    outExtension: {'.js': '.cjs'},
    define: noWsAddons,
    plugins: [wsLazyZlib, withoutLong],
  }),
)
await writeFile('dist/THIRD-PARTY-LICENSES.txt', await bundledLicenses(builds))
// The code cache is keyed by each bundle's contents: hashed once here, not on every start.
const hashes = {}
for (const bundle of ['main.cjs', 'commands-bundle.cjs', 'demo.cjs'])
  hashes[bundle] = createHash('sha256')
    .update(await readFile(`dist/${bundle}`))
    .digest('hex')
    .slice(0, 16)
// Each command has a code cache of its own (src/compile-cache.ts): their ids, from the committed
// manifest. Without one (`npm run manifest` writes it after this build), every run shares one cache.
const commandIds = await readFile('oclif.manifest.json', 'utf8').then(
  (manifest) => Object.keys(JSON.parse(manifest).commands),
  () => [],
)
await build({
  ...common,
  entryPoints: ['src/compile-cache.ts'],
  outdir: 'dist',
  outExtension: {'.js': '.cjs'},
  define: {BUNDLE_HASHES: JSON.stringify(hashes), COMMAND_IDS: JSON.stringify(commandIds)},
})
// oclif requires its command target itself: this one goes through the code cache too.
await writeFile(
  'dist/commands.cjs',
  "module.exports = require('./compile-cache.cjs').requireCached(require.resolve('./commands-bundle.cjs'))\n",
)

/**
 * The package ships its dependencies inside the bundles instead of installing them, so it carries
 * their licence texts itself (MIT, ISC and BSD ask that the notice go with every copy): one entry
 * per package whose code a bundle holds, in name order.
 */
async function bundledLicenses(results) {
  const roots = new Set()
  for (const {metafile} of results) {
    for (const input of Object.keys(metafile.inputs)) {
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)
      if (match) roots.add(match[1])
    }
  }

  const entries = []
  for (const root of roots) {
    const {name, version, license, author, repository} = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
    const file = (await readdir(root)).find((entry) => /^(licen[cs]e|copying)([.-]|$)/i.test(entry))
    // A few packages publish no licence file (proxy-agent-negotiate): what their package.json says stands in.
    const text = file
      ? (await readFile(join(root, file), 'utf8')).trim()
      : `The package ships no licence file. Its package.json declares ${license}, author ${author?.name ?? author}, ${repository?.url ?? repository}.`
    entries.push({name, text: `${name} ${version} (${license})\n\n${text}\n`})
  }

  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const header = 'cfws bundles the code of these packages into dist/; their licences follow.\n'
  return [header, ...entries.map((entry) => entry.text)].join(`\n${'-'.repeat(72)}\n\n`)
}
