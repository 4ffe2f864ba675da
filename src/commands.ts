import Completion from './commands/completion.js'
import Demo from './commands/demo.js'
import Doctor from './commands/doctor.js'
import Firehose from './commands/firehose.js'
import Help from './commands/help.js'
import Logs from './commands/logs.js'

/**
 * Every command, for oclif's explicit command discovery (package.json `oclif.commands`). The CLI
 * ships bundled (npm run build): starting it reads a few files instead of resolving a few hundred
 * modules.
 */
export const COMMANDS = {completion: Completion, demo: Demo, doctor: Doctor, firehose: Firehose, help: Help, logs: Logs}
