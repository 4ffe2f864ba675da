import {fileURLToPath} from 'node:url'

import {cfConfig, makeCfHome} from '../test/helpers/cf-home.js'
import {FakeCloudController} from '../test/helpers/fake-cloud-controller.js'
import {freshJwt} from '../test/helpers/jwt.js'
import {APP_GUID} from './envelope-pool.js'

const RUN_JS = fileURLToPath(new URL('../bin/run.js', import.meta.url))

export interface BenchEnv {
  /** What every spawned client runs with: a cf login that may read the firehose and knows `myapp` and SEVERAL_APPS. */
  env: Record<string, string | undefined>
  close(): Promise<void>
}

/** A fake Cloud Controller and a cf home logged in to it, for the whole bench. */
export async function startBenchEnv(): Promise<BenchEnv> {
  const cc = await FakeCloudController.start()
  cc.apps = {
    myapp: APP_GUID,
    ...Object.fromEntries(
      SEVERAL_APPS.map((name, i) => [name, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`]),
    ),
  }
  const home = makeCfHome(cfConfig(cc.url, {AccessToken: `bearer ${freshJwt(['doppler.firehose'])}`}))
  return {
    env: {PATH: process.env.PATH, HOME: home.dir, CF_HOME: home.dir, TZ: 'UTC', OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
    async close() {
      await cc.close()
      home.remove()
    },
  }
}

/** The apps of the several-apps run: `cfws logs app-01 … app-20`. */
export const SEVERAL_APPS = Array.from({length: 20}, (_, i) => `app-${String(i + 1).padStart(2, '0')}`)

/** `node bin/run.js ARGS --endpoint URL --max-retries 0`: cfws against one feed, and no reconnect. */
export function cfwsCommand(args: readonly string[], url: string): string[] {
  return [process.execPath, RUN_JS, ...args, '--endpoint', url, '--max-retries', '0']
}

/** `cfws --version`, for the start-up figures. */
export const cfwsVersionCommand = [process.execPath, RUN_JS, '--version']
