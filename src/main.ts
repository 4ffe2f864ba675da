// What bin/run.js starts: oclif alone. The commands are a second bundle (src/commands.ts) that
// oclif loads only to run one, so `cfws --version` and `--help` never load ws or protobufjs.
export {execute} from '@oclif/core/execute'
export * from './oclif.js'
