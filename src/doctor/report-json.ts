import type {DoctorReport} from './report.js'
import {safeText} from './report-text.js'

export interface JsonContext {
  app?: string
  kind: 'app' | 'firehose' | 'none'
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
    exit_code: report.exitCode(),
  }
  return `${JSON.stringify(document, null, 2)}\n`
}
