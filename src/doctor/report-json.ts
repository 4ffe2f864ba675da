import {type EndingSignal, SIGNAL_EXIT_CODES} from '../errors.js'
import type {DoctorReport} from './report.js'
import {safeText} from './report-text.js'

export interface JsonContext {
  app?: string
  kind: 'app' | 'firehose' | 'none'
  /** Ctrl-C (or SIGTERM) came before the end: the report holds the checks that ended by then. */
  interruptedBy?: EndingSignal
}

/** The whole report as one JSON document for a support ticket; every text passes the redactor. */
export function reportJson(report: DoctorReport, context: JsonContext): string {
  const document = {
    app: context.app ?? null,
    stream: context.kind,
    checks: report.checks.map((check) => ({
      name: check.name,
      status: check.status,
      detail: safeText(check.detail),
      duration_ms: check.durationMs,
      ...(check.cause === undefined ? {} : {cause: safeText(check.cause)}),
      ...(check.fix === undefined ? {} : {fix: safeText(check.fix)}),
      ...(check.code === undefined ? {} : {code: check.code}),
      ...(check.exitCode === undefined ? {} : {exit_code: check.exitCode}),
    })),
    candidates: report.candidates.map((candidate) => ({
      endpoint: candidate.endpoint,
      status: candidate.status,
      detail: safeText(candidate.detail),
      duration_ms: candidate.durationMs,
      stream_opened: candidate.streamOpened,
    })),
    recommended_endpoint: report.recommendation?.endpoint ?? null,
    commands: report.recommendation?.commands ?? [],
    ...(context.interruptedBy === undefined ? {} : {interrupted_by: context.interruptedBy}),
    exit_code: context.interruptedBy === undefined ? report.exitCode() : SIGNAL_EXIT_CODES[context.interruptedBy],
  }
  return `${JSON.stringify(document, null, 2)}\n`
}
