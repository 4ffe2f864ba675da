import {CfwsError, ExitCode} from '../errors.js'
import {CLIError, Command} from '../oclif.js'
import {visibleControls} from '../render/visible-controls.js'
import {isDebugEnabled, redactSecrets} from '../trace.js'
import {operatorLine, writeStderrLines} from './notice.js'
import {foldListedValues} from './command-line.js'
import {describeParseFailure, unknownFlagHint} from './parse-failure.js'

/**
 * The one place errors become output: `cfws: <message>`, an optional `hint: <hint>`, the exit code
 * of the contract, and a stack only with CFWS_DEBUG=1 (../shared/CLI.md "Errors and exit codes").
 */
export abstract class BaseCommand extends Command {
  protected override async catch(error: Error): Promise<void> {
    process.exitCode = reportFailure(error, this.id ?? '')
  }

  // Before any parse: `--type ERR` and `--timestamps UTC`, as cfws prints them, are taken.
  protected override async init(): Promise<void> {
    await super.init()
    this.argv = foldListedValues(this.argv, this.ctor.flags ?? {})
  }
}

/** Writes the failure's `cfws:` and `hint:` lines (and the stack with CFWS_DEBUG=1) to stderr; returns its exit code. */
export function reportFailure(error: Error, commandId: string): number {
  const {message, hint, exitCode} = describe(error, commandId)
  let output = `cfws: ${operatorLine(message)}\n${hint ? `hint: ${operatorLine(hint)}\n` : ''}`
  // The stack keeps its lines; each is made safe as the trace's are.
  if (isDebugEnabled())
    output += stackWithCauses(error)
      .split('\n')
      .map((line) => visibleControls(redactSecrets(line)))
      .join('\n')
  writeStderrLines(output)
  return exitCode
}

function describe(error: Error, commandId: string): {message: string; hint?: string; exitCode: number} {
  if (error instanceof CfwsError) return {message: error.message, hint: error.hint, exitCode: error.exitCode}
  if (error instanceof CLIError) {
    // oclif's parse errors: unknown flag, missing APP, bad flag value. Its list of missing args
    // spans lines; the contract wants one. An unexpected argument's error has `args` too, as strings.
    const missing = requiredArgNames(error)
    const message = missing ? `Missing required argument ${missing.join(', ')}` : describeParseFailure(error.message)
    const help = `See 'cfws ${commandId} --help'.`
    const habit = unknownFlagHint((error as {flags?: unknown}).flags, commandId)
    return {message, hint: habit ? `${habit} ${help}` : help, exitCode: error.oclif.exit ?? ExitCode.usage}
  }

  return {
    message: `Unexpected failure: ${error.message}`,
    hint: 'This is a bug in cfws: run again with CFWS_DEBUG=1 and report what it prints.',
    exitCode: ExitCode.bug,
  }
}

/** The names of the missing arguments of oclif's RequiredArgsError (which oclif does not export), upper-cased. */
function requiredArgNames(error: CLIError): string[] | undefined {
  const {args} = error as {args?: unknown}
  if (
    !Array.isArray(args) ||
    !args.every((arg): arg is {name: string} => typeof (arg as {name?: unknown})?.name === 'string')
  )
    return undefined
  return args.map((arg) => arg.name.toUpperCase())
}

function stackWithCauses(error: unknown): string {
  let text = ''
  for (let current = error, depth = 0; current && depth < 5; current = (current as {cause?: unknown}).cause, depth++) {
    text += current instanceof Error ? `${current.stack ?? current.message}\n` : `cause: ${JSON.stringify(current)}\n`
  }

  return text
}
