import {strict as assert} from 'node:assert'

import {DoctorReport} from '../../../src/doctor/report.js'
import {checkFirstEnvelope, checkKeepalive} from '../../../src/doctor/stream-checks.js'
import {type OpenProbe, probeUpgrade} from '../../../src/doctor/upgrade-probe.js'
import {EndpointError} from '../../../src/errors.js'
import {FakeTrafficController} from '../../helpers/fake-traffic-controller.js'

const LOST_FIX =
  'The upgrade went through, then the stream ended: cfws logs would reconnect again and again. A close code and reason come from the server (the Traffic Controller, or a load balancer in front of it) and say why; a drop without a close frame (1006) is often a load balancer or proxy that cuts WebSocket connections. Give your platform team this report (cfws doctor --json).'

/** The checks' findings, with the milliseconds that change from run to run made fixed. */
function findings(report: DoctorReport): unknown[] {
  return report.checks.map((check) => ({
    ...check,
    detail: check.detail.replace(/\d+ ms after/, 'N ms after'),
    durationMs: 0,
  }))
}

describe('the stream checks', () => {
  let tc: FakeTrafficController
  let opened: OpenProbe | undefined
  const signal = new AbortController().signal

  beforeEach(async () => {
    tc = await FakeTrafficController.start()
  })

  afterEach(async () => {
    opened?.close()
    await tc.close()
  })

  async function open(): Promise<OpenProbe> {
    const step = await probeUpgrade(
      {url: new URL(`${tc.url}/apps/g-1/stream`), kind: 'app', verifyTls: true, signal, authorization: 'bearer t'},
      () => new EndpointError('TIMEOUT', 'timed out'),
    )
    assert.ok(step.ok)
    opened = step.value.opened!
    return opened
  }

  it('fail keepalive with the close code and reason when the server closes the stream before any ping', async () => {
    const client = tc.nextClient()
    const probe = await open()
    ;(await client).close(1011, 'upstream gone')
    const report = new DoctorReport()
    assert.equal(await checkKeepalive(report, probe, signal), false)
    assert.deepEqual(findings(report), [
      {
        name: 'keepalive',
        status: 'fail',
        detail: 'Connection lost N ms after the upgrade (closed by the server: internal error (1011): upstream gone)',
        durationMs: 0,
        cause: undefined,
        fix: LOST_FIX,
        code: 'STREAM_CLOSED',
        exitCode: 6,
      },
    ])
  })

  it('fail the first envelope when the server pings, then drops the stream without a close frame', async () => {
    const client = tc.nextClient()
    const probe = await open()
    const server = await client
    const report = new DoctorReport()
    server.ping()
    assert.equal(await checkKeepalive(report, probe, signal), true)
    server.terminate()
    await checkFirstEnvelope(report, probe, 'app', signal)
    assert.deepEqual(
      findings(report).map((check) => [(check as {status: string}).status, (check as {detail: string}).detail]),
      [
        ['ok', 'the server pinged N ms after the upgrade'],
        ['fail', 'Connection lost N ms after the upgrade (dropped without a close frame (1006))'],
      ],
    )
  })
})
