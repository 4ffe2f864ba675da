import type {ChalkInstance} from 'chalk'

import {visibleControls} from '../render/visible-controls.js'
import {redactSecrets} from '../trace.js'
import type {CandidateResult, CheckResult, CheckStatus, DoctorReport} from './report.js'

export interface MarkStyle {
  /** ✓ ✗ ! - where the terminal takes UTF-8 and colour was not turned off; else ok FAIL warn skip. */
  symbols: boolean
  chalk?: ChalkInstance
}

const SYMBOLS: Record<CheckStatus, string> = {ok: '✓', fail: '✗', warn: '!', skip: '-'}
const WORDS: Record<CheckStatus, string> = {ok: 'ok  ', fail: 'FAIL', warn: 'warn', skip: 'skip'}
const COLORS = {ok: 'green', fail: 'red', warn: 'yellow', skip: 'dim'} as const
const NAME_WIDTH = 18

/** Whether the locale says the terminal takes UTF-8 (LC_ALL, then LC_CTYPE, then LANG, as setlocale reads them). */
export function localeIsUtf8(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || ''
  return /utf-?8/i.test(locale)
}

/** Every server-given or secret-bearing text on its way out: secrets hidden, controls shown. */
export function safeText(text: string): string {
  return visibleControls(redactSecrets(text))
}

/** The lines of one check: the finding, then its cause and fix when it did not pass. */
export function checkLines(check: CheckResult, style: MarkStyle): string[] {
  const duration = check.status === 'skip' ? '' : ` (${check.durationMs} ms)`
  const lines = [`${mark(check.status, style)} ${check.name.padEnd(NAME_WIDTH)} ${safeText(check.detail)}${duration}`]
  const indent = ' '.repeat(style.symbols ? 2 : 5)
  if (check.cause) lines.push(`${indent}cause: ${safeText(check.cause)}`)
  if (check.fix && check.status !== 'ok') lines.push(`${indent}fix:   ${safeText(check.fix)}`)
  return lines
}

export function candidateLine(candidate: CandidateResult, style: MarkStyle): string {
  return `${mark(candidate.status, style)} ${'try'.padEnd(NAME_WIDTH)} ${candidate.endpoint}: ${safeText(candidate.detail)} (${candidate.durationMs} ms)`
}

/** What follows the checks: the endpoint that works and how to use it, and the outcome. */
export function summaryLines(report: DoctorReport, triedCandidates: boolean): string[] {
  const lines: string[] = []
  if (report.recommendation) {
    const [first, ...rest] = report.recommendation.commands
    lines.push(`Use ${report.recommendation.endpoint}:`, `  ${first}`, ...rest.map((command) => `  ${command}`))
  } else if (triedCandidates) {
    lines.push('No other endpoint of the foundation worked: give your platform team this report (cfws doctor --json).')
  }

  const failure = report.firstFailure()
  const streamed = report.passed('auth')
  lines.push(
    failure
      ? `Result: ${failure.name} failed (exit ${report.exitCode()})`
      : streamed
        ? 'Result: a stream works'
        : 'Result: nothing failed, but no stream was opened (give APP or --firehose to try one)',
  )
  return lines
}

function mark(status: CheckStatus, style: MarkStyle): string {
  const text = style.symbols ? SYMBOLS[status] : WORDS[status]
  return style.chalk ? style.chalk[COLORS[status]](text) : text
}
