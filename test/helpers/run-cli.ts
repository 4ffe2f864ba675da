import {type ChildProcess, spawn} from 'node:child_process'
import {once} from 'node:events'
import {openSync, readFileSync} from 'node:fs'
import {constants} from 'node:os'
import {fileURLToPath} from 'node:url'

export const RUN_JS = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const {version} = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}

/** What cfws sends as `User-Agent` on every request and upgrade. */
export const USER_AGENT = `cfws/${version}`

const running = new Set<CliProcess>()

export interface CliResult {
  /** What a shell's `$?` shows: the exit code, or 128 + the signal's number when a signal ended it. */
  code: number | null
  /** The signal that ended it: cfws ends by SIGINT or SIGTERM itself once it flushed (main.ts). */
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** The CLI as a user runs it: `node bin/run.js ARGS` in a child process, with a clean environment. */
export class CliProcess {
  readonly child: ChildProcess
  stderr = ''
  // Kept as chunks, joined when read: a fast feed is not copied again on every chunk.
  private readonly stdoutChunks: string[] = []
  private joinedStdout = ''
  private joinedChunks = 0
  private readonly exited: Promise<CliResult>
  private readonly waiters: Array<() => void> = []

  /**
   * `runJs`: another copy of bin/run.js, such as one unpacked from the npm tarball. `stdoutTo`: a
   * file stdout is written to instead of a pipe (`/dev/full`); `stdout` then stays empty.
   */
  constructor(
    args: string[],
    env: Record<string, string | undefined> = {},
    {runJs = RUN_JS, stdoutTo}: {runJs?: string; stdoutTo?: string} = {},
  ) {
    this.child = spawn(process.execPath, [runJs, ...args], {
      env: {PATH: process.env.PATH, HOME: '/nonexistent', TZ: 'UTC', OCLIF_SKIP_NEW_VERSION_CHECK: 'true', ...env},
      stdio: ['ignore', stdoutTo === undefined ? 'pipe' : openSync(stdoutTo, 'w'), 'pipe'],
    })
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => this.stdoutChunks.push(text))
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text))
    this.child.stdout?.on('data', () => this.notify())
    this.child.stderr!.on('data', () => this.notify())
    // 'close' comes after both pipes closed, so stdout and stderr are complete by then.
    this.exited = once(this.child, 'close').then(([code, signal]) => {
      running.delete(this)
      this.notify()
      return {
        code: (code as number | null) ?? (signal ? 128 + constants.signals[signal as NodeJS.Signals] : null),
        signal: signal as NodeJS.Signals | null,
        stdout: this.stdout,
        stderr: this.stderr,
      }
    })
    running.add(this)
  }

  get stdout(): string {
    if (this.joinedChunks < this.stdoutChunks.length) {
      this.joinedStdout += this.stdoutChunks.slice(this.joinedChunks).join('')
      this.joinedChunks = this.stdoutChunks.length
    }

    return this.joinedStdout
  }

  /** Resolves once stdout holds at least `count` lines. */
  async waitForStdoutLines(count: number): Promise<string[]> {
    return this.waitFor(() => this.stdout.split('\n').length - 1 >= count).then(() =>
      this.stdout.split('\n').slice(0, count),
    )
  }

  /**
   * Resolves once a line of stdout matches `pattern` (which may end in `\n`). Each check reads only
   * what came since the last one, so a test reading a fast feed keeps up with it.
   */
  async waitForStdout(pattern: RegExp): Promise<void> {
    let next = 0
    let lastLine = ''
    return this.waitFor(() => {
      const text = lastLine + this.stdoutChunks.slice(next).join('')
      next = this.stdoutChunks.length
      lastLine = text.slice(text.lastIndexOf('\n') + 1)
      return pattern.test(text)
    })
  }

  async waitForStderr(pattern: RegExp): Promise<void> {
    return this.waitFor(() => pattern.test(this.stderr))
  }

  async result(): Promise<CliResult> {
    return this.exited
  }

  /** Kills what a failed test left running, so mocha can end. */
  static killAll(): void {
    for (const cli of running) cli.child.kill('SIGKILL')
  }

  /** Resolves once `condition` holds, checked on each output of this process. */
  async waitFor(condition: () => boolean): Promise<void> {
    while (!condition()) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`the CLI exited before the expected output\nstdout: ${this.stdout}\nstderr: ${this.stderr}`)
      }

      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  private notify(): void {
    for (const resolve of this.waiters.splice(0)) resolve()
  }
}

export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new CliProcess(args, env).result()
}
