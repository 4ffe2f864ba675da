import {Args} from '@oclif/core'

import {findAppGuid} from '../cf/cloud-controller.js'
import {requireTargetedSpace} from '../cf/config.js'
import {BaseCommand} from '../cli/base-command.js'
import {readStreamSettings, streamFlags} from '../cli/flags.js'
import {runStream} from '../cli/run-stream.js'
import {openSession, resolveLoggerEndpoint} from '../cli/session.js'
import {appStreamUrl} from '../endpoint/resolve.js'
import {chooseColorLevel, createChalk} from '../render/color.js'
import {createJsonLogRenderer, createTextLogRenderer} from '../render/log-message.js'

export default class Logs extends BaseCommand {
  static override summary = "Stream an app's logs (until interrupted)"
  static override examples = ['<%= config.bin %> logs myapp', '<%= config.bin %> logs myapp --json | jq .message']
  static override args = {app: Args.string({description: 'app name in the targeted space', required: true})}
  static override flags = streamFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Logs)
    const settings = readStreamSettings(flags)
    const session = await openSession(flags['skip-ssl-validation'])
    const {config} = session
    const space = requireTargetedSpace(config)
    const endpoint = await resolveLoggerEndpoint(session, flags.endpoint)
    const cc = {target: config.target, verifyTls: session.verifyTls}
    const appGuid = await findAppGuid(cc, session.tokens, {name: args.app, space, org: config.org})

    const chalk = createChalk(chooseColorLevel(flags.color, process.env, Boolean(process.stdout.isTTY)))
    const renderLog = flags.json ? createJsonLogRenderer(args.app) : createTextLogRenderer(chalk)
    process.exitCode = await runStream({
      session,
      url: appStreamUrl(endpoint, appGuid),
      kind: 'app',
      settings,
      render: (envelope) => (envelope.logMessage ? renderLog(envelope.logMessage) : undefined),
    })
  }
}
