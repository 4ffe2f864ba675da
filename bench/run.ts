// `npm run bench`: cfws against a bare `ws` counting client on the same loopback feed, alternately,
// several rounds in one run; figures are ratios to the baseline of the same run (machines are noisy).
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {openSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {cfConfig, makeCfHome} from '../test/helpers/cf-home.js'
import {FakeCloudController} from '../test/helpers/fake-cloud-controller.js'
import {freshJwt} from '../test/helpers/jwt.js'
import {APP_GUID, makeEnvelopePool} from './envelope-pool.js'
import {BenchFeed} from './feed.js'

// Five: with three, one slow minute of the machine could decide a median.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const TOTAL = Number(process.env.BENCH_ENVELOPES ?? 1_000_000)
// Eleven left the medians of a few tens of milliseconds moving ±5 % from run to run of the same code.
const START_SAMPLES = 21
const RUN_JS = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const COUNT_CLIENT = fileURLToPath(new URL('count-client.ts', import.meta.url))
const MiB = 1024 * 1024

interface Run {
  seconds: number
  peakRssBytes: number
}

const firehosePool = makeEnvelopePool(10_000)
const appPool = makeEnvelopePool(10_000, {appOnly: true})
const meanBytes = firehosePool.reduce((sum, frame) => sum + frame.length, 0) / firehosePool.length
const cc = await FakeCloudController.start()
cc.apps = {myapp: APP_GUID}
const home = makeCfHome(cfConfig(cc.url, {AccessToken: `bearer ${freshJwt(['doppler.firehose'])}`}))
const env = {PATH: process.env.PATH, HOME: home.dir, CF_HOME: home.dir, TZ: 'UTC', OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}

/** Runs one client against a fresh feed; the time runs from the upgrade to the client's exit. */
async function timeClient(pool: readonly Uint8Array[], command: (url: string) => string[], stdout: 'null' | 'stalled' = 'null'): Promise<Run> {
  const feed = await BenchFeed.start(pool, TOTAL)
  const [file, ...args] = command(feed.url)
  const child = spawn(file, args, {env, stdio: ['ignore', stdout === 'null' ? openSync('/dev/null', 'w') : 'pipe', 'ignore']})
  let peakRssBytes = 0
  const sample = setInterval(() => {
    try {
      const kib = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1])
      if (kib) peakRssBytes = kib * 1024
    } catch {}
  }, 20)
  if (stdout === 'stalled') child.stdout!.pause()
  const exited = once(child, 'exit')
  if (stdout === 'stalled') {
    // The reader never reads: cfws cannot finish its flush, so stop it once the feed is done.
    await feed.done
    await new Promise((resolve) => setTimeout(resolve, 200))
    child.kill('SIGKILL')
  }

  await exited
  const seconds = (performance.now() - feed.connectedAt) / 1000
  clearInterval(sample)
  await feed.close()
  return {seconds, peakRssBytes}
}

const baseline = (url: string) => [process.execPath, '--import=tsx', COUNT_CLIENT, url]
const cfws = (...args: string[]) => (url: string) => [process.execPath, RUN_JS, ...args, '--endpoint', url, '--max-retries', '0']

async function timeCommand(args: string[]): Promise<number> {
  const start = performance.now()
  const child = spawn(args[0], args.slice(1), {env, stdio: 'ignore'})
  await once(child, 'exit')
  return performance.now() - start
}

async function timeToFirstLine(): Promise<number> {
  const feed = await BenchFeed.start(appPool, 1)
  const start = performance.now()
  const child = spawn(process.execPath, [RUN_JS, 'logs', 'myapp', '--endpoint', feed.url, '--max-retries', '0'], {env, stdio: ['ignore', 'pipe', 'ignore']})
  await once(child.stdout!, 'data')
  const ms = performance.now() - start
  child.kill()
  await once(child, 'exit')
  await feed.close()
  return ms
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const rows: Array<{name: string; ratios: number[]; target: number; higherIsBetter: boolean; unit?: string}> = []
const ratios = {text: [] as number[], json: [] as number[], logs: [] as number[]}
const peaks = {firehose: [] as number[], stalled: [] as number[]}
const throughput = {baseline: [] as number[], text: [] as number[], json: [] as number[], logs: [] as number[]}

console.error(`cfws bench: ${ROUNDS} rounds of ${TOTAL.toLocaleString('en')} envelopes (mean ${meanBytes.toFixed(0)} bytes), loopback ws`)
for (let round = 1; round <= ROUNDS; round++) {
  const base = TOTAL / (await timeClient(firehosePool, baseline)).seconds
  const text = await timeClient(firehosePool, cfws('firehose', '--subscription-id', 'bench'))
  const json = await timeClient(firehosePool, cfws('firehose', '--subscription-id', 'bench', '--json'))
  const appBase = TOTAL / (await timeClient(appPool, baseline)).seconds
  const logs = await timeClient(appPool, cfws('logs', 'myapp'))
  throughput.baseline.push(base)
  throughput.text.push(TOTAL / text.seconds)
  throughput.json.push(TOTAL / json.seconds)
  throughput.logs.push(TOTAL / logs.seconds)
  ratios.text.push(TOTAL / text.seconds / base)
  ratios.json.push(TOTAL / json.seconds / base)
  ratios.logs.push(TOTAL / logs.seconds / appBase)
  peaks.firehose.push(text.peakRssBytes / MiB)
  console.error(`round ${round}: baseline ${(base / 1e6).toFixed(2)} M/s; firehose text ${(TOTAL / text.seconds / 1e6).toFixed(2)} M/s, json ${(TOTAL / json.seconds / 1e6).toFixed(2)} M/s; logs ${(TOTAL / logs.seconds / 1e6).toFixed(2)} M/s (app baseline ${(appBase / 1e6).toFixed(2)} M/s)`)
}

const stalled = await timeClient(firehosePool, cfws('firehose', '--subscription-id', 'bench'), 'stalled')
peaks.stalled.push(stalled.peakRssBytes / MiB)
// Start-up figures are a few tens of milliseconds: one of each in turn, many times, so that a slow
// moment of the machine falls on all three alike rather than on one of them.
const node: number[] = []
const version: number[] = []
const firstLine: number[] = []
for (let i = 0; i < START_SAMPLES; i++) {
  node.push(await timeCommand([process.execPath, '-e', '0']))
  version.push(await timeCommand([process.execPath, RUN_JS, '--version']))
  firstLine.push(await timeToFirstLine())
}

rows.push(
  {name: 'firehose (text) → /dev/null, × baseline', ratios: ratios.text, target: 0.25, higherIsBetter: true},
  {name: 'firehose --json → /dev/null, × baseline', ratios: ratios.json, target: 0.2, higherIsBetter: true},
  {name: 'logs APP → /dev/null, × baseline', ratios: ratios.logs, target: 0.3, higherIsBetter: true},
  {name: 'peak RSS, 1M-envelope firehose (MiB)', ratios: peaks.firehose, target: 100, higherIsBetter: false},
  {name: 'peak RSS, stalled reader (MiB)', ratios: peaks.stalled, target: 100 + 16, higherIsBetter: false},
  {name: 'cfws --version, × node -e 0', ratios: version.map((ms) => ms / median(node)), target: 3, higherIsBetter: false},
  {name: 'start to first log line, × cfws --version', ratios: firstLine.map((ms) => ms / median(version)), target: 1.5, higherIsBetter: false},
)

console.log(`\n${'target'.padEnd(44)}${'min'.padStart(8)}${'median'.padStart(8)}${'max'.padStart(8)}   goal     result`)
let failed = 0
for (const row of rows) {
  const sorted = [...row.ratios].sort((a, b) => a - b)
  const pass = row.higherIsBetter ? median(sorted) >= row.target : median(sorted) <= row.target
  if (!pass) failed++
  const fmt = (value: number): string => value.toFixed(row.target >= 10 ? 0 : 2).padStart(8)
  console.log(`${row.name.padEnd(44)}${fmt(sorted[0])}${fmt(median(sorted))}${fmt(sorted.at(-1)!)}   ${row.higherIsBetter ? '≥' : '≤'} ${String(row.target).padEnd(6)} ${pass ? 'PASS' : 'FAIL'}`)
}

console.log(`\nabsolute (median): baseline ${(median(throughput.baseline) / 1e6).toFixed(2)} M env/s; cfws firehose text ${(median(throughput.text) / 1e6).toFixed(2)}, json ${(median(throughput.json) / 1e6).toFixed(2)}, logs ${(median(throughput.logs) / 1e6).toFixed(2)} M env/s; node -e 0 ${median(node).toFixed(0)} ms, cfws --version ${median(version).toFixed(0)} ms, first line ${median(firstLine).toFixed(0)} ms`)
await cc.close()
home.remove()
process.exitCode = failed === 0 ? 0 : 1
