import type {Envelope} from '../envelope/model.js'
import type {DemoApp} from './catalog.js'
import {DIEGO_CELL} from './catalog.js'
import {appLog} from './envelopes.js'

/**
 * What Diego says as it starts an instance, line by line as a cell logs it (`[CELL/0]`), the app's
 * own start-up lines in the middle. `stepNs` apart, from `atNs`.
 */
export function instanceStart(
  app: DemoApp,
  instance: number,
  instanceId: string,
  appLines: readonly string[],
  atNs: bigint,
  stepNs = 40_000_000n,
): Envelope[] {
  const cell = (text: string): [string, string] => ['CELL', text]
  const own = (text: string): [string, string] => [`APP/PROC/${app.process}`, text]
  const lines: Array<[string, string]> = [
    cell(`Cell ${DIEGO_CELL.cellId} creating container for instance ${instanceId}`),
    cell('Security group rules were updated'),
    cell(`Cell ${DIEGO_CELL.cellId} successfully created container for instance ${instanceId}`),
    cell('Downloading droplet...'),
    cell(`Downloaded droplet (${app.name === 'web' ? '48.1M' : '61.4M'})`),
    cell('Starting health monitoring of container'),
    ...appLines.map(own),
    cell('Container became healthy'),
  ]
  return lines.map(([source, text], i) => appLog(app, source, String(instance), text, atNs + BigInt(i) * stepNs))
}
