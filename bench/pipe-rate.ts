// Lossless pipe rate: cfws in a real shell pipe into `wc -l`, the feed paced at fixed rates, the
// lines that arrive counted against the lines the envelopes render to.
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {closeSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {cfwsCommand} from './bench-env.js'
import {BenchFeed, type FeedEnd} from './feed.js'

// After the feed's close, a pipeline that has not exited in this long is stuck: kill it and say so.
const EXIT_GRACE_MS = 10_000

export interface PipeRun {
  /** Envelopes per second offered; undefined at full speed (as fast as the client reads). */
  offeredPerSecond?: number
  /** What the feed managed: envelopes sent over the time from the upgrade to the last one. */
  achievedPerSecond: number
  linesExpected: number
  linesCounted: number
  /** The sum of cfws's `dropped N lines` notices on stderr; undefined when it printed none. */
  droppedReported?: number
  feed: FeedEnd
  /** The pipeline did not exit within EXIT_GRACE_MS of the feed's end and was killed. */
  hung: boolean
}

/** The `dropped N lines` notices of a cfws stderr, summed; undefined when there are none. */
export function reportedDrops(stderr: string): number | undefined {
  const counts = [...stderr.matchAll(/dropped (\d+) lines?\b/g)].map((match) => Number(match[1]))
  return counts.length === 0 ? undefined : counts.reduce((sum, count) => sum + count, 0)
}

/**
 * How many lines one pass over the pool renders to: cfws run once over it with stdout to a file
 * (which Node writes synchronously, so nothing can be dropped), the newlines counted.
 */
export async function linesPerPool(
  pool: readonly Uint8Array[],
  cfwsArgs: readonly string[],
  env: Record<string, string | undefined>,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cfws-bench-'))
  const path = join(dir, 'out')
  const fd = openSync(path, 'w')
  const feed = await BenchFeed.start(pool, pool.length)
  try {
    const [file, ...args] = cfwsCommand(cfwsArgs, feed.url)
    const child = spawn(file, args, {env, stdio: ['ignore', fd, 'pipe']})
    let stderr = ''
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text))
    // It exits 6 at the feed's 1000 close (a stream that ended, and --max-retries 0): that is the end.
    const [code] = (await once(child, 'close')) as [number | null]
    const end = await feed.done
    if (end.clientLeft || reportedDrops(stderr) !== undefined) {
      throw new Error(`counting run of cfws ${cfwsArgs.join(' ')} failed (exit ${code}): ${stderr.trim()}`)
    }

    const output = readFileSync(path)
    let lines = 0
    for (let i = output.indexOf(0x0a); i !== -1; i = output.indexOf(0x0a, i + 1)) lines++
    return lines
  } finally {
    closeSync(fd)
    rmSync(dir, {recursive: true, force: true})
    await feed.close()
  }
}

const shellQuote = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`

/**
 * `sh -c 'cfws ARGS | wc -l'` against a feed of `total` envelopes (a whole number of pool passes, so
 * that `linesPerPass` says exactly how many lines must arrive), paced or at full speed.
 */
export async function runPipe(options: {
  pool: readonly Uint8Array[]
  total: number
  linesPerPass: number
  cfwsArgs: readonly string[]
  env: Record<string, string | undefined>
  ratePerSecond?: number
}): Promise<PipeRun> {
  const {pool, total, ratePerSecond} = options
  if (total % pool.length !== 0)
    throw new Error(`a pipe run sends whole passes over the pool of ${pool.length}, not ${total}`)
  const feed = await BenchFeed.start(pool, total, {ratePerSecond})
  // Its own process group, so that a stuck pipeline can be killed whole.
  const child = spawn('sh', ['-c', `${cfwsCommand(options.cfwsArgs, feed.url).map(shellQuote).join(' ')} | wc -l`], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  const closed = once(child, 'close')
  const watchdog = new AbortController()
  let hung = false
  void feed.done
    .then(async () => sleep(EXIT_GRACE_MS, undefined, {signal: watchdog.signal}))
    .then(
      () => {
        hung = true
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {} // it ended at that very moment
      },
      () => {},
    )
  await closed
  watchdog.abort()
  if (feed.connectedAt === 0) {
    await feed.close()
    throw new Error(`cfws ${options.cfwsArgs.join(' ')} never connected: ${stderr.trim()}`)
  }

  const end = await feed.done
  await feed.close()
  return {
    offeredPerSecond: ratePerSecond,
    achievedPerSecond: end.sent / end.seconds,
    linesExpected: (total / pool.length) * options.linesPerPass,
    linesCounted: Number.parseInt(stdout.trim(), 10),
    droppedReported: reportedDrops(stderr),
    feed: end,
    hung,
  }
}
