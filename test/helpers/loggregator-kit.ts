import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {once} from 'node:events'
import {existsSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs'
import {connect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {type CfHome, cfConfig, makeCfHome} from './cf-home.js'
import type {CliProcess} from './run-cli.js'

/**
 * Cloud Foundry's real doppler and Traffic Controller (../shared/loggregator, see its README),
 * started for one describe block. A user's clone has no such folder: the tier then skips.
 */
export const KIT_DIR = fileURLToPath(new URL('../../../shared/loggregator/', import.meta.url))
export const KIT_PRESENT = existsSync(join(KIT_DIR, 'start.sh'))

interface KitInfo {
  tc: string
  cc: string
  dopplerAddr: string
  certs: string
  logs: string
  appGuid: string
  appName: string
  pids: {fakecf: number; doppler: number; trafficcontroller: number}
}

const run = promisify(execFile)

export class LoggregatorKit {
  private replacementDoppler?: ChildProcess
  private readonly homes: CfHome[] = []
  private readonly senders: EnvelopeSender[] = []

  private constructor(
    private readonly starter: ChildProcess,
    readonly info: KitInfo,
  ) {}

  /** Starts the kit and resolves with the URLs it printed (about 3 s, most of it openssl). */
  static async start(options: {appGuid?: string} = {}): Promise<LoggregatorKit> {
    const args = options.appGuid ? ['--app-guid', options.appGuid] : []
    const starter = spawn(join(KIT_DIR, 'start.sh'), args, {stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    starter.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
    const lines = createInterface({input: starter.stdout})
    const first = await Promise.race([
      once(lines, 'line').then(([line]) => line as string),
      once(starter, 'exit').then(([code]) => {
        throw new Error(`start.sh ended with ${code} before printing its URLs: ${stderr}`)
      }),
    ])
    lines.close()
    return new LoggregatorKit(starter, JSON.parse(first) as KitInfo)
  }

  /** `bearer <jwt>` signed by the kit's UAA; `scopes` may carry its flags, e.g. `+invalid`. */
  async token(scopes: string[], ttl = '24h'): Promise<string> {
    const {stdout} = await run(join(KIT_DIR, 'bin', 'fakecf'), ['token', scopes.join(','), ttl])
    return stdout.trim()
  }

  /** A CF_HOME logged in to the kit's Cloud Controller with `accessToken` (removed by stop). */
  cfHome(accessToken: string, overrides: Record<string, unknown> = {}): CfHome {
    const {cc} = this.info
    // The Traffic Controller's certificate is signed by the kit's CA, which cfws does not trust.
    const home = makeCfHome(cfConfig(cc, {AccessToken: accessToken, SSLDisabled: true, ...overrides}))
    this.homes.push(home)
    return home
  }

  /**
   * A sender that pushes the envelopes written to it into doppler's gRPC ingress, in order; `rate`
   * paces them per second. Doppler drops what comes faster than its subscribers take it.
   */
  sender(options: {rate?: number} = {}): EnvelopeSender {
    const sender = new EnvelopeSender(this.info, options.rate ?? 0)
    this.senders.push(sender)
    return sender
  }

  /**
   * Runs the sender's `standard` scenario (envelopes of every type with awkward values, v1 then
   * v2) and resolves with what it sent, each as Go's compact text (what `cf nozzle` prints).
   */
  async sendStandardScenario(): Promise<{v1: string[]; v2: string[]}> {
    const sent = await withSentFile(async (sentFile) => {
      await run(join(KIT_DIR, 'bin', 'sender'), [
        '-scenario',
        'standard',
        '-addr',
        this.info.dopplerAddr,
        '-certs',
        this.info.certs,
        '-sent',
        sentFile,
      ])
    })
    const ofKind = (kind: string): string[] =>
      sent.filter((line) => line.startsWith(`${kind} `)).map((line) => line.slice(kind.length + 1))
    return {v1: ofKind('v1'), v2: ofKind('v2')}
  }

  /** The Traffic Controller's log so far: what it says about its clients and dopplers. */
  trafficControllerLog(): string {
    return readFileSync(join(this.info.logs, 'trafficcontroller.log'), 'utf8')
  }

  /**
   * Kills doppler and starts it again on its port. start.sh stops everything when one of its
   * processes ends, so it is paused meanwhile, and the new doppler is ours to stop.
   */
  async restartDoppler(): Promise<void> {
    const pid = this.info.pids.doppler
    const environment = Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    )
    const [command, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
    this.starter.kill('SIGSTOP')
    process.kill(pid, 'SIGKILL')
    // A zombie has closed its sockets: the port is free again.
    await until(() => !existsSync(`/proc/${pid}`) || /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')))
    const log = openSync(join(this.info.logs, 'doppler.log'), 'a')
    this.replacementDoppler = spawn(command, args, {env: environment, stdio: ['ignore', log, log]})
    const [host, port] = this.info.dopplerAddr.split(':')
    await until(async () => accepts(host, Number(port)))
  }

  async stop(): Promise<void> {
    for (const sender of this.senders) sender.kill()
    this.replacementDoppler?.kill('SIGKILL')
    const exited = once(this.starter, 'exit')
    this.starter.kill('SIGTERM')
    this.starter.kill('SIGCONT')
    await exited
    for (const home of this.homes) home.remove()
  }
}

/** `bin/sender -scenario stdin`: each envelope as a varint length and the dropsonde bytes. */
export class EnvelopeSender {
  private readonly child: ChildProcess
  private readonly exited: Promise<void>
  private stderr = ''

  constructor(info: KitInfo, rate: number) {
    const args = ['-scenario', 'stdin', '-rate', String(rate), '-addr', info.dopplerAddr, '-certs', info.certs]
    this.child = spawn(join(KIT_DIR, 'bin', 'sender'), args, {stdio: ['pipe', 'ignore', 'pipe']})
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text))
    this.exited = once(this.child, 'exit').then(([code]) => {
      if (code !== 0) throw new Error(`the sender ended with ${code}: ${this.stderr}`)
    })
    // A failure surfaces in end(); until then an unawaited rejection must not end mocha.
    this.exited.catch(() => {})
  }

  send(...envelopes: Uint8Array[]): void {
    for (const envelope of envelopes) this.child.stdin!.write(Buffer.concat([varint(envelope.length), envelope]))
  }

  /** Resolves once every envelope written went to doppler. */
  async end(): Promise<void> {
    this.child.stdin!.end()
    await this.exited
  }

  /** For a test that failed before end(): mocha waits for every child. */
  kill(): void {
    this.child.kill('SIGKILL')
  }
}

async function withSentFile(send: (sentFile: string) => Promise<void>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cfws-sent-'))
  try {
    const sentFile = join(dir, 'sent.txt')
    await send(sentFile)
    return readFileSync(sentFile, 'utf8').split('\n').filter(Boolean)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

function varint(value: number): Buffer {
  const bytes: number[] = []
  let rest = value
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80)
    rest >>>= 7
  }

  bytes.push(rest)
  return Buffer.from(bytes)
}

async function accepts(host: string, port: number): Promise<boolean> {
  const socket = connect(port, host)
  try {
    await once(socket, 'connect')
    return true
  } catch {
    return false
  } finally {
    socket.destroy()
  }
}

// For other processes' state, which no event tells: checked every 20 ms, for at most 10 s.
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }

  throw new Error('the kit did not reach the expected state within 10 s')
}

/**
 * Sends `marker(n)` until every CLI has printed one. Doppler drops what it gets before the Traffic
 * Controller's subscription reaches it, so an open WebSocket does not yet mean lines arrive.
 */
export async function sendUntilPrinted(
  clis: CliProcess[],
  sender: EnvelopeSender,
  marker: (attempt: number) => Uint8Array | Uint8Array[],
  printed: RegExp,
): Promise<void> {
  // Rejects, with the CLI's output, when one exits first.
  const allPrinted = Promise.all(clis.map(async (cli) => cli.waitForStdout(printed))).then(() => true)
  for (let attempt = 0; attempt < 100; attempt++) {
    sender.send(...[marker(attempt)].flat())
    const resendDue = new Promise<false>((resolve) => setTimeout(resolve, 100, false))
    if (await Promise.race([allPrinted, resendDue])) return
  }

  throw new Error(
    `no marker printed after 10 s\n${clis.map((cli) => `stdout: ${cli.stdout}\nstderr: ${cli.stderr}`).join('\n')}`,
  )
}
