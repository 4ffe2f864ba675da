import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Envelope} from '../envelope/model.js'
import {ExitCode} from '../errors.js'
import {DEMO_ORG, DEMO_SPACE} from './catalog.js'
import {startCloudController} from './cloud-controller.js'
import {DemoLogCache} from './log-cache.js'
import {platformMetricsStory} from './platform-metrics.js'
import {StoryPlayer} from './player.js'
import {seededDice} from './seeded-random.js'
import {DemoTrafficController, type KeepaliveTimings} from './traffic-controller.js'
import {DemoUaa} from './uaa.js'
import {webStory} from './web-app.js'
import {workerStory} from './worker-app.js'

export interface DemoFoundation {
  /** A CF_HOME whose `.cf/config.json` is logged in to this foundation; removed by close(). */
  cfHome: string
  /** The Cloud Controller (and UAA). */
  apiUrl: string
  close(): Promise<void>
}

export interface DemoOptions {
  /** How much the apps have logged before the demo starts: what `--recent` finds. Default 90 s. */
  historyMs?: number
  keepalive?: KeepaliveTimings
}

/**
 * A Cloud Foundry on loopback, for `cfws demo`: a Cloud Controller with UAA, Log Cache and a Traffic
 * Controller, and apps that log (`web`, `worker`) and a platform that sends metrics. The apps'
 * past is in Log Cache at once; the rest of their story plays from the first WebSocket client on.
 * A temporary CF_HOME holds a cf login to it, so cfws runs as against any foundation, and never
 * sees the user's own cf config.
 */
export async function startDemoFoundation(options: DemoOptions = {}): Promise<DemoFoundation> {
  const uaa = new DemoUaa()
  const logCache = new DemoLogCache(uaa)
  let player: StoryPlayer | undefined
  const trafficController = new DemoTrafficController(uaa, () => player?.startLive(), options.keepalive)
  const servers = [await logCache.listen(), await trafficController.listen()]
  const [logCacheServer, tcServer] = servers
  const cc = await startCloudController(uaa, () => ({loggingUrl: tcServer.url, logCacheUrl: logCacheServer.url}))
  servers.push(cc)

  const publish = (envelope: Envelope): void => {
    logCache.store(envelope)
    trafficController.publish(envelope)
  }

  player = new StoryPlayer(
    [webStory(seededDice(1)), workerStory(seededDice(2)), platformMetricsStory(seededDice(3))],
    publish,
    {historyMs: options.historyMs ?? 90_000},
  )
  player.playHistory()

  const cfHome = writeCfHome(cc.url, uaa.login())
  const removeHome = (): void => rmSync(cfHome, {recursive: true, force: true})
  // A second Ctrl-C ends cfws at once, without close(); a signal while nothing else listens for
  // one (before a stream starts, during --recent) would end it by its default action, which runs
  // no 'exit' listener: the login to a foundation that is gone goes in each case.
  const onSignal = (signal: NodeJS.Signals): void => {
    removeHome()
    if (process.listenerCount(signal) === 1) process.exit(signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm)
  }

  process.once('exit', removeHome)
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    cfHome,
    apiUrl: cc.url,
    async close() {
      player.stop()
      await Promise.all(servers.map(async (server) => server.close()))
      process.off('exit', removeHome)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      removeHome()
    },
  }
}

/** `.cf/config.json` as `cf login` leaves it (PROTOCOL.md §3), in a new private directory. */
function writeCfHome(apiUrl: string, login: {accessToken: string; refreshToken: string}): string {
  const cfHome = mkdtempSync(join(tmpdir(), 'cfws-demo-'))
  mkdirSync(join(cfHome, '.cf'), {mode: 0o700})
  const config = {
    ConfigVersion: 3,
    Target: apiUrl,
    APIVersion: '2.250.0',
    AuthorizationEndpoint: apiUrl,
    UaaEndpoint: apiUrl,
    DopplerEndPoint: '',
    LogCacheEndPoint: '',
    AccessToken: `bearer ${login.accessToken}`,
    RefreshToken: login.refreshToken,
    UAAGrantType: '',
    UAAOAuthClient: 'cf',
    UAAOAuthClientSecret: '',
    SSLDisabled: false,
    OrganizationFields: {GUID: DEMO_ORG.guid, Name: DEMO_ORG.name},
    SpaceFields: {GUID: DEMO_SPACE.guid, Name: DEMO_SPACE.name, AllowSSH: true},
  }
  writeFileSync(join(cfHome, '.cf', 'config.json'), `${JSON.stringify(config, null, 2)}\n`, {mode: 0o600})
  return cfHome
}
