import type {Envelope} from '../src/envelope/model.js'
import {encodeEnvelope} from '../src/envelope/encode.js'
import {seeded} from '../src/demo/seeded-random.js'

export const APP_GUID = '6d4f2e4a-1c2b-4e5f-9a8b-7c6d5e4f3a2b'

/**
 * Realistic envelopes, encoded once: 60 % LogMessage, 25 % ValueMetric, 10 % CounterEvent,
 * 5 % ContainerMetric, all with the tags a v2→v1 conversion adds; ~350 bytes on average.
 * `appOnly` gives an app stream instead: LogMessages of one app.
 */
export function makeEnvelopePool(size: number, options: {appOnly?: boolean} = {}): Uint8Array[] {
  const random = seeded(0xcf5)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
  const words = [
    'GET',
    '/api/v1/orders',
    'status=200',
    'user=42',
    'took',
    'ms',
    'cache',
    'miss',
    'request_id=',
    'INFO',
    'WARN',
    'payment',
    'processed',
    'retrying',
  ]
  const pool: Uint8Array[] = []
  let timestamp = 1_764_000_000_000_000_000n
  for (let i = 0; i < size; i++) {
    timestamp += BigInt(Math.floor(random() * 1_000_000))
    const header: Envelope = {
      origin: pick(['rep', 'gorouter', 'loggregator.doppler', 'cloud_controller']),
      timestamp,
      deployment: 'cf-a1b2c3d4e5f6',
      job: pick(['diego-cell', 'router', 'api', 'doppler']),
      index: '7c6d5e4f-3a2b-4e5f-9a8b-1c2b3d4e5f6a',
      ip: `10.0.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`,
      tags: new Map([
        ['source_id', APP_GUID],
        ['instance_id', String(Math.floor(random() * 4))],
        ['product', 'VMware Tanzu Application Service'],
      ]),
    }
    const kind = options.appOnly ? 0 : random()
    if (kind < 0.6) {
      const text = Array.from({length: 12 + Math.floor(random() * 24)}, () => pick(words)).join(' ')
      pool.push(
        encodeEnvelope({
          ...header,
          eventType: 5,
          logMessage: {
            message: Buffer.from(text),
            messageType: random() < 0.9 ? 1 : 2,
            timestamp,
            appId: APP_GUID,
            sourceType: pick(['APP/PROC/WEB', 'RTR', 'STG']),
            sourceInstance: String(Math.floor(random() * 4)),
          },
        }),
      )
    } else if (kind < 0.85) {
      pool.push(
        encodeEnvelope({
          ...header,
          eventType: 6,
          valueMetric: {
            name: pick(['CapacityTotalMemory', 'numCPUS', 'memoryStats.numBytesAllocated', 'latency']),
            value: random() * 100_000,
            unit: pick(['MiB', 'count', 'bytes', 'ms']),
          },
        }),
      )
    } else if (kind < 0.95) {
      const total = BigInt(Math.floor(random() * 1e15))
      pool.push(
        encodeEnvelope({
          ...header,
          eventType: 7,
          counterEvent: {
            name: pick(['dropped', 'egress', 'ingress']),
            delta: BigInt(Math.floor(random() * 100)),
            total,
          },
        }),
      )
    } else {
      pool.push(
        encodeEnvelope({
          ...header,
          eventType: 9,
          containerMetric: {
            applicationId: APP_GUID,
            instanceIndex: Math.floor(random() * 4),
            cpuPercentage: random() * 100,
            memoryBytes: BigInt(Math.floor(random() * 1e9)),
            diskBytes: BigInt(Math.floor(random() * 1e9)),
            memoryBytesQuota: 1_073_741_824n,
            diskBytesQuota: 2_147_483_648n,
          },
        }),
      )
    }
  }

  return pool
}
