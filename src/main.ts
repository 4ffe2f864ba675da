// What bin/run.js starts: oclif alone. The commands are a second bundle (src/commands.ts) that
// oclif loads only to run one, so `cfws --version` and `--help` never load ws or protobufjs.
import {fileURLToPath} from 'node:url'

import {execute} from '@oclif/core/execute'

import {DEMO_COMMANDS} from './cli/demo-commands.js'
import {drained} from './cli/drained.js'
import {type EndingSignal, SIGNAL_EXIT_CODES} from './errors.js'

export * from './oclif.js'

/**
 * Runs the command, then ends the process once stdout and stderr hold nothing more: whatever a
 * failed phase left behind (a proxy socket that never answered, a timer) must not keep cfws alive
 * after its error was printed.
 */
export async function run(options: {dir: string; args?: string[]}): Promise<void> {
  process.once('exit', endBySignal)
  // oclif's Command module rethrows every stdout error but EPIPE, which turns a full disk into a
  // raw stack: the stream's writer reports stdout failures itself. A closed stderr (`2>&-`, a
  // reader gone) must not turn a notice into a crash either.
  process.stdout.removeAllListeners('error')
  process.stdout.on('error', () => {})
  process.stderr.on('error', () => {})
  await execute({
    // No user plugins (cfws has none to install): oclif would read its data folder's package.json
    // on every start, and print a raw warning where that folder cannot be read.
    loadOptions: {root: fileURLToPath(options.dir), userPlugins: false},
    args: withDemoCommandHelp(withVersionRequest(options.args ?? process.argv.slice(2))),
  })
  await Promise.all([drained(process.stdout), drained(process.stderr)])
  process.exit()
}

/**
 * A run that ends on Ctrl-C or SIGTERM (exit 130 or 143, after its flush) dies by that signal, as
 * the signal's default action would have: a shell stops a loop or a script only when its child was
 * killed by SIGINT, and goes on to the next command after a plain exit 130 (`for app in web worker;
 * do cfws logs $app --for 8s; done` ran the second after Ctrl-C). Its `$?` is 130 either way. The
 * `'exit'` listeners before this one (the compile cache's) have run by then.
 */
function endBySignal(code: number): void {
  const signal = (Object.keys(SIGNAL_EXIT_CODES) as EndingSignal[]).find((name) => SIGNAL_EXIT_CODES[name] === code)
  if (!signal) return
  // Without a listener the signal's default action comes back, which process.kill then takes.
  process.removeAllListeners(signal)
  process.kill(process.pid, signal)
}

/**
 * `-v` and `--version` print the version wherever they stand before a `--`, as `-h` and `--help`
 * print help (oclif itself knows them only as the first word, with `version`; package.json).
 */
function withVersionRequest(args: string[]): string[] {
  return flagWords(args).some((arg) => arg === '-v' || arg === '--version') ? ['--version'] : args
}

/**
 * `cfws demo logs --help` is the help of `logs`, whose flags the demo takes, not the demo's own
 * (oclif shows the help of the first word that names a command).
 */
function withDemoCommandHelp(args: string[]): string[] {
  const [first, command, ...rest] = args
  const asksHelp = flagWords(rest).some((arg) => arg === '--help' || arg === '-h')
  return first === 'demo' && DEMO_COMMANDS.includes(command) && asksHelp ? [command, '--help'] : args
}

/** The words before a `--`, where oclif's own look for --help stops too. */
function flagWords(args: string[]): string[] {
  const end = args.indexOf('--')
  return end === -1 ? args : args.slice(0, end)
}
