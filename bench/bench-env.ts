import {fileURLToPath} from 'node:url'

import {cfConfig, makeCfHome} from '../test/helpers/cf-home.js'
import {FakeCloudController} from '../test/helpers/fake-cloud-controller.js'
import {freshJwt} from '../test/helpers/jwt.js'
import {APP_GUID} from './envelope-pool.js'

const RUN_JS = fileURLToPath(new URL('../bin/run.js', import.meta.url))

export interface BenchEnv {
  /** What every spawned client runs with: a cf login that may read the firehose and knows `myapp`. */
  env: Record<string, string | undefined>
  close(): Promise<void>
}

/** A fake Cloud Controller and a cf home logged in to it, for the whole bench. */
export async function startBenchEnv(): Promise<BenchEnv> {
  const cc = await FakeCloudController.start()
  cc.apps = {myapp: APP_GUID}
  const home = makeCfHome(cfConfig(cc.url, {AccessToken: `bearer ${freshJwt(['doppler.firehose'])}`}))
  return {
    env: {PATH: process.env.PATH, HOME: home.dir, CF_HOME: home.dir, TZ: 'UTC', OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
    async close() {
      await cc.close()
      home.remove()
    },
  }
}

/** `node bin/run.js ARGS --endpoint URL --max-retries 0`: cfws against one feed, and no reconnect. */
export function cfwsCommand(args: readonly string[], url: string): string[] {
  return [process.execPath, RUN_JS, ...args, '--endpoint', url, '--max-retries', '0']
}

/** `cfws --version`, for the start-up figures. */
export const cfwsVersionCommand = [process.execPath, RUN_JS, '--version']
