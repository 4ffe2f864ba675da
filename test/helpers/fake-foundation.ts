import {cfConfig, type CfHome, makeCfHome} from './cf-home.js'
import {FakeCloudController} from './fake-cloud-controller.js'
import {FakeTrafficController} from './fake-traffic-controller.js'
import {CliProcess} from './run-cli.js'

/** A Cloud Controller + UAA, a Traffic Controller and a cf home logged in to them, for spawned CLI runs. */
export interface FakeFoundation {
  cc: FakeCloudController
  tc: FakeTrafficController
  home: CfHome
  /** Replaces the cf config with the logged-in one plus these keys. */
  login(overrides?: Record<string, unknown>): void
}

/** Starts a fresh foundation before each test and tears it down (and any CLI left running) after. */
export function useFakeFoundation(defaultOverrides: () => Record<string, unknown> = () => ({})): FakeFoundation {
  const foundation = {} as FakeFoundation
  foundation.login = (overrides = {}) => {
    foundation.home?.remove()
    foundation.home = makeCfHome(cfConfig(foundation.cc.url, {...defaultOverrides(), ...overrides}))
  }

  beforeEach(async () => {
    foundation.cc = await FakeCloudController.start()
    foundation.tc = await FakeTrafficController.start()
    foundation.cc.loggingEndpoint = foundation.tc.url
    foundation.login()
  })

  afterEach(async () => {
    CliProcess.killAll()
    await foundation.tc.close()
    await foundation.cc.close()
    foundation.home.remove()
  })

  return foundation
}

/** What `cfws logs myapp` says on stderr once its stream is open, in the foundation's acme/dev. */
export const TAILING_MYAPP = 'cfws: tailing myapp in acme/dev (Ctrl-C to stop)\n'
