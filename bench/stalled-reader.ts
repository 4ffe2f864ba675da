// A reader that never reads: cfws's stdout is a pipe nobody drains while a flood streams past.
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {setTimeout as sleep} from 'node:timers/promises'

import {cfwsCommand} from './bench-env.js'
import {BenchFeed, type FeedEnd} from './feed.js'
import {watchPeakRss} from './peak-rss.js'
import {reportedDrops} from './pipe-rate.js'

// cfws is to flush for at most 2 s after one SIGTERM with stdout blocked (issue 14): give it a little more.
const SIGTERM_GRACE_MS = 3000

export interface StalledRun {
  /** The cfws arguments, --buffer-size included. */
  command: string
  /** Envelopes the feed was to send: the bytes asked for, in whole envelopes of the pool's mean size. */
  total: number
  peakRssBytes: number
  feed: FeedEnd
  /** The sum of cfws's `dropped N lines` notices on stderr; undefined when it printed none. */
  droppedReported?: number
  /** How it ended after the feed's close and a SIGTERM: `ended by SIGTERM` (the shell's 143), or `killed` when SIGTERM did not end it. */
  ending: string
}

/** cfws with stdout never read against `bytes` of envelopes at full speed; then one SIGTERM. */
export async function runStalledReader(options: {
  pool: readonly Uint8Array[]
  bytes: number
  bufferSizeMiB: number
  cfwsArgs: readonly string[]
  env: Record<string, string | undefined>
}): Promise<StalledRun> {
  const {pool} = options
  const meanBytes = pool.reduce((sum, envelope) => sum + envelope.length, 0) / pool.length
  const total = Math.ceil(options.bytes / meanBytes)
  const cfwsArgs = [...options.cfwsArgs, '--buffer-size', `${options.bufferSizeMiB}MiB`]
  const feed = await BenchFeed.start(pool, total)
  const [file, ...args] = cfwsCommand(cfwsArgs, feed.url)
  const child = spawn(file, args, {env: options.env, stdio: ['ignore', 'pipe', 'pipe']})
  child.stdout.pause()
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  const rss = watchPeakRss(child.pid!)
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>
  const end = await Promise.race([feed.done, closed.then(() => undefined)])
  let ending: string
  if (end === undefined && feed.connectedAt === 0) {
    rss.stop()
    await feed.close()
    throw new Error(`cfws ${cfwsArgs.join(' ')} never connected: ${stderr.trim()}`)
  }

  if (child.exitCode === null && child.signalCode === null) {
    // Its output cannot all be written: let it see the close, then ask it to stop as systemd would.
    await sleep(200)
    child.kill('SIGTERM')
    const grace = new AbortController()
    void sleep(SIGTERM_GRACE_MS, undefined, {signal: grace.signal}).then(
      () => child.kill('SIGKILL'),
      () => {},
    )
    const [code, signal] = await closed
    grace.abort()
    ending =
      signal === 'SIGKILL'
        ? `killed: SIGTERM did not end it in ${SIGTERM_GRACE_MS / 1000} s`
        : code === null
          ? `ended by ${signal}`
          : `exit ${code}`
  } else {
    const [code, signal] = await closed
    ending = `exited by itself before the SIGTERM (${code ?? signal})`
  }

  const peakRssBytes = rss.stop()
  const feedEnd = await feed.done
  await feed.close()
  return {
    command: cfwsArgs.join(' '),
    total,
    peakRssBytes,
    feed: feedEnd,
    droppedReported: reportedDrops(stderr),
    ending,
  }
}

const count = (value: number): string => value.toLocaleString('en')

/** The line the bench prints about the run. */
export function describeStalledRun(run: StalledRun, meanBytes: number): string {
  const kept = run.feed.clientLeft
    ? run.feed.cutSlowConsumer
      ? 'no, cut as a slow consumer (took nothing for 5 s)'
      : 'no, cfws went away'
    : 'yes'
  const drops = run.droppedReported === undefined ? 'no drop count' : `dropped ${count(run.droppedReported)} lines`
  return (
    `stdout never read (cfws ${run.command}): ${count(run.feed.sent)} of ${count(run.total)} envelopes (~${((run.feed.sent * meanBytes) / 1e6).toFixed(0)} MB) sent in ${run.feed.seconds.toFixed(1)} s; ` +
    `connection kept: ${kept}; cfws stderr: ${drops}; after the close and a SIGTERM: ${run.ending}; peak RSS ${(run.peakRssBytes / 1024 / 1024).toFixed(0)} MiB`
  )
}
