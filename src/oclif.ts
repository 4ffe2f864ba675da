// The part of oclif the commands use. The CLI ships as two bundles (scripts/build.mjs): main.cjs
// holds oclif and exports this, and the commands bundle takes it from there instead of a second copy.
export {Command} from '@oclif/core/command'
export {CLIError} from '@oclif/core/errors'
export {loadHelpClass} from '@oclif/core/help'
export * as Args from '@oclif/core/args'
export * as Flags from '@oclif/core/flags'
