import {strict as assert} from 'node:assert'

import {DoctorReport, failedCheck} from '../../../src/doctor/report.js'
import {checkLines, localeIsUtf8, summaryLines} from '../../../src/doctor/report-text.js'
import {runTimed} from '../../../src/doctor/timed-step.js'
import {EndpointError, ForbiddenError} from '../../../src/errors.js'

const timeout = (): EndpointError => new EndpointError('TIMEOUT', 'no answer in time')

describe('DoctorReport', () => {
  it('exits with the code of the first failure, not of later ones, and 0 while only warnings came', () => {
    const report = new DoctorReport()
    report.add({name: 'log cache endpoint', status: 'warn', detail: 'none', durationMs: 1})
    assert.equal(report.exitCode(), 0)
    report.add(failedCheck('scopes', new ForbiddenError('FIREHOSE_SCOPE_MISSING', 'no scope'), 2))
    report.add(failedCheck('upgrade', new EndpointError('UPGRADE_STRIPPED', 'stripped'), 3))
    assert.equal(report.exitCode(), 4)
    assert.equal(report.firstFailure()?.name, 'scopes')
  })

  it('tells each check to its listener as it is added, skipped ones too', () => {
    const seen: string[] = []
    const report = new DoctorReport({check: (check) => seen.push(`${check.status} ${check.name}`)})
    report.add({name: 'dns', status: 'ok', detail: 'a', durationMs: 0})
    report.skip('tcp', 'needs dns')
    assert.deepEqual(seen, ['ok dns', 'skip tcp'])
    assert.ok(report.passed('dns'))
    assert.ok(!report.passed('tcp'))
  })
})

describe('doctor text report', () => {
  const failure = failedCheck(
    'upgrade',
    new EndpointError('UPGRADE_STRIPPED', 'answered 400', {hint: 'pass upgrades'}),
    12,
    '400 Bad Request',
  )

  it('writes ✓ ✗ ! marks with the cause and the fix under a failure', () => {
    assert.deepEqual(checkLines(failure, {symbols: true}), [
      '✗ upgrade            400 Bad Request (12 ms)',
      '  cause: answered 400',
      '  fix:   pass upgrades',
    ])
  })

  it('writes ok/FAIL/warn words without UTF-8, and hides tokens and shows control characters in what a server said', () => {
    const check = {
      name: 'upgrade',
      status: 'warn' as const,
      detail: 'body "bearer eyJabc.def.ghi \u001b[2J"',
      durationMs: 1,
    }
    assert.deepEqual(checkLines(check, {symbols: false}), [
      'warn upgrade            body "bearer [PRIVATE DATA HIDDEN] \\x1b[2J" (1 ms)',
    ])
  })

  it('reads UTF-8 from LC_ALL, then LC_CTYPE, then LANG', () => {
    assert.ok(localeIsUtf8({LANG: 'en_US.UTF-8'}))
    assert.ok(!localeIsUtf8({LC_ALL: 'C', LANG: 'en_US.UTF-8'}))
    assert.ok(localeIsUtf8({LC_CTYPE: 'C.utf8'}))
    assert.ok(!localeIsUtf8({}))
  })

  it('ends with the first failure and its exit code', () => {
    const report = new DoctorReport()
    report.add(failure)
    assert.deepEqual(summaryLines(report, false), ['Result: upgrade failed (exit 6)'])
  })
})

describe('runTimed', () => {
  it('reports the step’s own timeout when the work outlives it, and aborts the work’s signal', async () => {
    let aborted = false
    const step = await runTimed(
      async (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve((aborted = true)))),
      {timeoutMs: 20, signal: new AbortController().signal, timedOut: timeout},
    )
    assert.ok(!step.ok)
    assert.equal(step.error.code, 'TIMEOUT')
    assert.ok(aborted)
  })

  it('settles at once when the run is interrupted, even for work that ignores its signal', async () => {
    const run = new AbortController()
    const pending = runTimed(async () => new Promise(() => {}), {
      timeoutMs: 60_000,
      signal: run.signal,
      timedOut: timeout,
    })
    run.abort()
    const step = await pending
    assert.ok(!step.ok)
    assert.equal(step.error.code, 'ABORTED')
  })

  it('passes a value through with its duration', async () => {
    const step = await runTimed(async () => 42, {
      timeoutMs: 1000,
      signal: new AbortController().signal,
      timedOut: timeout,
    })
    assert.deepEqual(step.ok && step.value, 42)
  })
})
