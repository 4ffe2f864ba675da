import {strict as assert} from 'node:assert'
import {spawn, spawnSync} from 'node:child_process'
import {once} from 'node:events'
import {fileURLToPath} from 'node:url'

import {logEnvelope, T0} from '../helpers/envelopes.js'
import {FakeLogCache, v2Log} from '../helpers/fake-cloud-controller.js'
import {useFakeFoundation} from '../helpers/fake-foundation.js'

const RUN_JS = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
// `script` from util-linux gives the CLI a real pseudo-terminal; a clone without it skips these.
const HAS_SCRIPT = spawnSync('script', ['--version'], {stdio: 'ignore'}).status === 0
const WEB = '11111111-1111-4111-8111-111111111111'
const WORKER = '22222222-2222-4222-8222-222222222222'
const HOSTILE = 'title\u001B]0;PWNED\u0007 clear\u001B[2J forged\rFAKE [APP/PROC/WEB/0] OUT ok \u009B31m \u202Eevil'

interface TerminalRun {
  /** What reached the terminal so far: `script` copies what the pty master reads to its stdout. */
  bytes(): Buffer
  text(): string
  /** Resolves once the terminal shows what `condition` wants; fails with what it shows after 5 s. */
  until(condition: (text: string) => boolean): Promise<void>
  /** The exit code of `script --return`: cfws's, as a shell shows it. */
  ended: Promise<number | null>
}

/** cfws on a terminal of its own, watched as it goes. */
function onTerminal(args: string[], env: Record<string, string>): TerminalRun {
  const command = [process.execPath, RUN_JS, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ')
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    env: {
      PATH: process.env.PATH,
      HOME: '/nonexistent',
      TZ: 'UTC',
      TERM: 'xterm-256color',
      OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const chunks: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
  const bytes = (): Buffer => Buffer.concat(chunks)
  const text = (): string => bytes().toString('utf8')
  return {
    bytes,
    text,
    async until(condition) {
      const timeout = AbortSignal.timeout(5000)
      while (!condition(text())) {
        try {
          await once(child.stdout, 'data', {signal: timeout})
        } catch {
          assert.fail(`waited in vain; the terminal has ${JSON.stringify(text().slice(-300))}`)
        }
      }
    },
    ended: once(child, 'close').then(([code]) => code as number | null),
  }
}

/** A run on a terminal to its end: its exit code and every byte that reached the terminal. */
async function runOnTerminal(
  args: string[],
  env: Record<string, string>,
): Promise<{code: number | null; bytes: Buffer}> {
  const run = onTerminal(args, env)
  const code = await run.ended
  return {code, bytes: run.bytes()}
}

// mocha has no reason for a skip: the title says it.
const TITLE = `cfws logs on a terminal (end to end, through script from util-linux)${HAS_SCRIPT ? '' : ': skipped, `script` is not installed (apt-get install bsdutils)'}`

describe(TITLE, function () {
  const f = useFakeFoundation()

  before(function () {
    if (!HAS_SCRIPT) this.skip()
  })

  beforeEach(() => {
    f.cc.logCache = new FakeLogCache([v2Log(T0, `${HOSTILE}\n`)])
  })

  it('shows an app’s escape sequences, CR, C1 and bidi controls as text instead of running them', async () => {
    const {code, bytes} = await runOnTerminal(['logs', 'myapp', '--recent', '--no-color'], {CF_HOME: f.home.dir})
    assert.equal(code, 0)
    // The pty turns the line's newline into CR LF (onlcr); the app's CR arrives as the two characters \r.
    assert.equal(
      bytes.toString('utf8'),
      '2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT title\\x1b]0;PWNED\\a clear\\x1b[2J forged\\rFAKE [APP/PROC/WEB/0] OUT ok \\u009b31m \\u202eevil\r\n',
    )
  })

  it('shows the pages of a long history read on one line it then clears, and nothing of it with --quiet', async () => {
    f.cc.logCache = new FakeLogCache(Array.from({length: 2500}, (_, i) => v2Log(T0 + BigInt(i), `m${i}`)))
    const {code, bytes} = await runOnTerminal(
      ['logs', 'myapp', '--recent', '--tail', '2500', '--no-color', '--timestamps', 'none'],
      {CF_HOME: f.home.dir},
    )
    assert.equal(code, 0)
    const lines = Array.from({length: 2500}, (_, i) => `[APP/PROC/WEB/0] OUT m${i}\r\n`).join('')
    const progress =
      '\rcfws: reading from Log Cache: 2 pages, 1999 messages\u001B[K\rcfws: reading from Log Cache: 3 pages, 2500 messages\u001B[K\r\u001B[K'
    assert.equal(bytes.toString('utf8'), progress + lines)
    const quiet = await runOnTerminal(
      ['logs', 'myapp', '--recent', '--tail', '2500', '--no-color', '--timestamps', 'none', '--quiet'],
      {CF_HOME: f.home.dir},
    )
    assert.equal(quiet.bytes.toString('utf8'), lines)
  })

  it('sums the reads of several apps on that one line, cleared once when the last read ends', async () => {
    f.cc.apps = {web: WEB, worker: WORKER}
    f.cc.logCache = new FakeLogCache(
      Array.from({length: 5000}, (_, i) => v2Log(T0 + BigInt(i), `m${i}`, {appGuid: i % 2 === 0 ? WEB : WORKER})),
    )
    const {code, bytes} = await runOnTerminal(
      ['logs', 'web', 'worker', '--recent', '--tail', '2500', '--no-color', '--timestamps', 'none'],
      {CF_HOME: f.home.dir},
    )
    assert.equal(code, 0)
    const text = bytes.toString('utf8')
    const stderr = text.slice(0, text.indexOf('web [APP/PROC/WEB/0] OUT m0\r\n'))
    const updates = stderr.split('\r\u001B[K')
    assert.equal(updates.length, 2, `cleared once, at the end: ${JSON.stringify(stderr)}`)
    const shown = updates[0].split('\u001B[K').slice(0, -1)
    for (const update of shown)
      assert.match(update, /^\rcfws: reading from Log Cache: 2 apps, \d+ pages, \d+ messages$/)
    assert.equal(shown.at(-1), '\rcfws: reading from Log Cache: 2 apps, 6 pages, 5000 messages')
    assert.equal(updates[1], '', 'the clear is the last thing before the lines')
    assert.equal(text.slice(stderr.length).split('\r\n').length - 1, 5000)
  })

  it('clears the progress line before a live line of another app, which then starts a row of its own', async () => {
    f.cc.apps = {web: WEB, worker: WORKER}
    f.cc.logCache = new FakeLogCache(
      Array.from({length: 2500}, (_, i) => v2Log(T0 + BigInt(i), `m${i}`, {appGuid: WORKER})),
    )
    // The worker's third page waits, its progress on the screen, while web's live line comes.
    let release = (): void => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    const logCache = f.cc.logCache
    Object.defineProperty(logCache, 'answering', {
      get: () => (f.cc.requests.filter((request) => request.path.includes(WORKER)).length >= 3 ? held : undefined),
    })
    const run = onTerminal(
      [
        'logs',
        'web',
        'worker',
        '--tail',
        '2500',
        '--order-window',
        '0',
        '--no-color',
        '--timestamps',
        'none',
        '--max-lines',
        '2501',
      ],
      {CF_HOME: f.home.dir},
    )
    const web = await f.tc.nextClientOf(`/apps/${WEB}/stream`)
    await run.until((text) => /reading from Log Cache: [^\r]*\u001B\[K$/.test(text))
    web.send(logEnvelope('live'))
    await run.until((text) => text.includes('OUT live'))
    release()
    await run.ended
    const text = run.text()
    const before = text.slice(0, text.indexOf('web [APP/PROC/WEB/0] OUT live'))
    assert.ok(before.endsWith(' messages\u001B[K\r\u001B[K'), `not cleared first: ${JSON.stringify(before.slice(-80))}`)
    assert.equal(text.split('\r\n').filter((row) => row.includes(' OUT ')).length, 2501)
  })

  it('passes the app’s bytes unchanged with --raw-escapes', async () => {
    const {code, bytes} = await runOnTerminal(['logs', 'myapp', '--recent', '--no-color', '--raw-escapes'], {
      CF_HOME: f.home.dir,
    })
    assert.equal(code, 0)
    assert.equal(bytes.toString('utf8'), `2025-11-24T09:46:47.12+0000 [APP/PROC/WEB/0] OUT ${HOSTILE}\r\n`)
  })
})
