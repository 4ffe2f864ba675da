import type {Envelope} from '../envelope/model.js'
import {DEMO_APPS, DIEGO_CELL, DOPPLER_VM, ROUTER} from './catalog.js'
import {containerMetric, counterEvent, valueMetric} from './envelopes.js'
import type {Dice} from './seeded-random.js'
import type {Story} from './story.js'

const MIB = 1_048_576n

/**
 * What the platform says on the firehose besides the apps' logs: every half second one VM's metrics
 * in turn, as `cf nozzle` shows them (the cell's capacity, the router's latency and request count,
 * Doppler's ingress), and every two and a half seconds each app instance's container metrics, which also
 * reach that app's stream.
 */
export function* platformMetricsStory(dice: Dice): Story {
  let routerRequests = 1_482_113n
  let dopplerIngress = 918_224_310n
  for (let tick = 0; ; tick++) {
    const turn = tick % 5
    const latencyMs = dice.between(1.5, 9)
    const routed = BigInt(dice.int(40, 90))
    const ingress = BigInt(dice.int(2500, 4200))
    const usage = DEMO_APPS.flatMap((app) =>
      Array.from({length: app.instances}, () => ({app, cpu: dice.between(0.5, 9), memoryMib: dice.int(96, 180)})),
    )
    routerRequests += routed
    dopplerIngress += ingress
    const [requests, received] = [routerRequests, dopplerIngress]
    yield {
      afterMs: dice.between(480, 520),
      envelopes(atNs): Envelope[] {
        if (turn === 0)
          return [
            valueMetric('rep', DIEGO_CELL, atNs, 'CapacityRemainingMemory', 11_712, 'MiB'),
            valueMetric('rep', DIEGO_CELL, atNs, 'ContainerCount', 3, 'Metric'),
          ]
        if (turn === 1)
          return [
            valueMetric('gorouter', ROUTER, atNs, 'latency', Number(latencyMs.toFixed(3)), 'ms'),
            counterEvent('gorouter', ROUTER, atNs, 'total_requests', routed, requests),
          ]
        if (turn === 2)
          return [
            counterEvent('doppler', DOPPLER_VM, atNs, 'ingress', ingress, received),
            valueMetric('doppler', DOPPLER_VM, atNs, 'subscriptions', 1, 'count'),
          ]
        if (turn === 3) return [valueMetric('rep', DIEGO_CELL, atNs, 'CapacityRemainingDisk', 71_340, 'MiB')]
        const instances = new Map<string, number>()
        return usage.map(({app, cpu, memoryMib}) => {
          const instance = instances.get(app.name) ?? 0
          instances.set(app.name, instance + 1)
          return containerMetric(app, instance, atNs, {
            cpuPercentage: Number(cpu.toFixed(2)),
            memoryBytes: BigInt(memoryMib) * MIB,
            diskBytes: 182n * MIB,
          })
        })
      },
    }
  }
}
