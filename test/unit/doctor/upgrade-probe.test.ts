import {strict as assert} from 'node:assert'

import {EndpointError} from '../../../src/errors.js'
import {probeUpgrade} from '../../../src/doctor/upgrade-probe.js'
import {binaryFrame, upgradeAnsweredWith} from '../../helpers/raw-upgrade.js'

// An unmasked ping with no payload, as a Traffic Controller sends it.
const PING = Buffer.from([0x89, 0x00])

describe('probeUpgrade', () => {
  it('times a ping and a frame that came in the same read as the 101 from the upgrade, not before it', async () => {
    const server = await upgradeAnsweredWith(Buffer.concat([PING, binaryFrame('first')]))
    try {
      const step = await probeUpgrade(
        {
          url: new URL(`${server.url}/apps/g-1/stream`),
          kind: 'app',
          verifyTls: true,
          signal: new AbortController().signal,
          authorization: 'bearer t',
        },
        () => new EndpointError('TIMEOUT', 'timed out'),
      )
      assert.ok(step.ok)
      const opened = step.value.opened!
      const [pingAt, first] = await Promise.all([opened.serverPing, opened.firstFrame])
      assert.ok(pingAt >= opened.openedAt, `ping ${pingAt - opened.openedAt} ms after the upgrade`)
      assert.ok(first.at >= opened.openedAt, `frame ${first.at - opened.openedAt} ms after the upgrade`)
      assert.equal(first.frame.toString(), 'first')
      opened.close()
    } finally {
      await server.close()
    }
  })
})
