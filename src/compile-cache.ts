import {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import Module, {createRequire} from 'node:module'
import {homedir} from 'node:os'
import {basename, dirname, join} from 'node:path'
import {Script} from 'node:vm'

/**
 * Loads one of the CLI's CommonJS bundles with V8's code cache. Compiling oclif and the commands
 * is a third of a start; the cache, written when a run ends, also holds every function that run
 * compiled. Node 22's `module.enableCompileCache()` (which Node 20 lacks) is not used where it
 * exists either: it keeps only what was compiled as a module loaded, and measured slower
 * (`cfws --version`: 45.7 against 38.8 ms on Node 22.23, 43.1 against 37.8 ms on 24.21, 53 ms
 * with no cache; docs/performance.md). It lives in the user's cache directory, keyed by the bundle's
 * content, by the Node version and by the command the run is for: a cache holds what its first run compiled, so with one
 * for every command, a `cfws logs` after a first `cfws --version` does not compile its own path on
 * every start for as long as that build is installed. `NODE_DISABLE_COMPILE_CACHE=1` turns it off,
 * as it does in Node. Nothing about the cache can fail a run: V8 checks what it is given (its own
 * version and flags among it) and compiles afresh on a mismatch, and the run then writes a new one;
 * a cache that cannot be read or written is simply not used.
 */
export function requireCached(filename: string): unknown {
  const require = createRequire(filename)
  const loaded = require.cache[filename]
  if (loaded) return loaded.exports
  const source = readFileSync(filename, 'utf8')
  const cache = cacheFor(filename)
  const cachedData = cache ? readCache(cache.file) : undefined
  const script = new Script(Module.wrap(source), {filename, cachedData})
  const module = new Module(filename)
  module.filename = filename
  require.cache[filename] = module
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void
  wrapper(module.exports, require, module, filename, dirname(filename))
  module.loaded = true
  // First among the 'exit' listeners: the run's last one ends it by its signal (main.ts), and a
  // bundle loaded after that one was added (the commands, as oclif runs one) must be written before.
  if (cache && (!cachedData || script.cachedDataRejected))
    process.prependOnceListener('exit', (code) => {
      // A run that failed (a usage error, no login) compiled little of its command: the next one writes it.
      if (ENDED_WELL.has(code)) writeCache(cache, script)
    })
  return module.exports
}

// Each bundle's content hash, put here by the build (scripts/build.mjs) rather than computed per start.
declare const BUNDLE_HASHES: Record<string, string>
// The CLI's command ids (the build reads them from oclif.manifest.json).
declare const COMMAND_IDS: readonly string[]

interface CacheFile {
  file: string
  /** Whether a file of the cache directory belongs to this bundle but not to its current build. */
  isStale: (name: string) => boolean
  /** The Node version of a file of the current build (`20.20.2`), if it is one. */
  nodeVersionOf: (name: string) => string | undefined
}

function cacheFor(filename: string): CacheFile | undefined {
  const bundle = basename(filename)
  const contentHash = BUNDLE_HASHES[bundle]
  if (process.env.NODE_DISABLE_COMPILE_CACHE || contentHash === undefined) return undefined
  const root = process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
  const currentBuild = `${bundle}.${contentHash}.`
  return {
    // By Node version too: V8 rejects another version's cache, and someone switching between two
    // (nvm, a CI matrix) would otherwise compile afresh and rewrite it on every start.
    file: join(root, 'cfws', 'compile-cache', `${currentBuild}node${NODE_VERSION}.${runKind()}`),
    // The current build's files stay, temporary ones too: another run may be writing one.
    isStale: (name) => name.startsWith(`${bundle}.`) && !name.startsWith(currentBuild),
    // A finished file only: a temporary one (`….logs.4242`) is another run's, which renames it when written.
    nodeVersionOf: (name) =>
      name.startsWith(currentBuild) ? /^node([^.]+)\.[^.]+$/.exec(name.slice(currentBuild.length))?.[1] : undefined,
  }
}

// Without its dots (`20_20_2`, `24_0_0-rc_1`), so that a file's name splits at them.
const NODE_VERSION = process.versions.node.replaceAll('.', '_')

// `--version`, help, a mistyped command: one cache for all of them, not a file for each typo, and
// `cfws logs --help` does not become what every `cfws logs` finds compiled.
const OTHER_RUNS = 'other'
// Done, or ended by Ctrl-C or SIGTERM, as `cfws logs` usually is (errors.ts's exit codes).
const ENDED_WELL = new Set([0, 130, 143])

function runKind(): string {
  const [command, ...rest] = process.argv.slice(2)
  if (rest.includes('--help') || rest.includes('-h')) return OTHER_RUNS
  return COMMAND_IDS.includes(command) ? command : OTHER_RUNS
}

function readCache(cacheFile: string): Buffer | undefined {
  try {
    return readFileSync(cacheFile)
  } catch {
    return undefined
  }
}

// Written whole under a temporary name, then renamed: a run starting meanwhile never reads half a
// file. Caches of the bundle's earlier builds go, and what a run killed while writing left of them;
// of this build's caches for other Node versions, those of the one written last stay (someone
// switching between two), the rest go (a Node updated every month would leave one set a month).
function writeCache({file, isStale, nodeVersionOf}: CacheFile, script: Script): void {
  try {
    const directory = dirname(file)
    mkdirSync(directory, {recursive: true, mode: 0o700})
    const names = readdirSync(directory)
    const otherNode = names
      .map((name) => ({name, version: nodeVersionOf(name)}))
      .filter(({version}) => version !== undefined && version !== NODE_VERSION)
      // Another run may remove one meanwhile: a file gone is no file.
      .map((file) => ({
        ...file,
        writtenMs: statSync(join(directory, file.name), {throwIfNoEntry: false})?.mtimeMs ?? 0,
      }))
    const kept = [...otherNode].sort((a, b) => b.writtenMs - a.writtenMs)[0]?.version
    const older = new Set(otherNode.filter(({version}) => version !== kept).map(({name}) => name))
    for (const name of names) if (isStale(name) || older.has(name)) rmSync(join(directory, name), {force: true})
    const temporary = `${file}.${process.pid}`
    writeFileSync(temporary, script.createCachedData(), {mode: 0o600})
    renameSync(temporary, file)
  } catch {
    // A read-only or missing home: the next run compiles as this one did.
  }
}
