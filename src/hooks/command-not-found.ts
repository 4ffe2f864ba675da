import type {Hook} from '@oclif/core/hooks'

import {reportUnknownCommand} from '../cli/unknown-command.js'

/**
 * oclif's `command_not_found` hook, which it runs instead of printing ` ›   Error: command … not
 * found`. oclif joins the words of `cfws log myapp` into the id `log:myapp` (topics are separated
 * by spaces): the first word is what was typed as the command.
 */
const hook: Hook.CommandNotFound = async function (options) {
  reportUnknownCommand(options.id.split(':')[0], options.config.commandIDs)
}

export default hook
