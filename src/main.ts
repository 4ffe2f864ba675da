// What bin/run.js starts: oclif alone. The commands are a second entry (src/commands.ts) that
// oclif imports only to run one, so `cfws --version` and `--help` never load ws or protobufjs.
export {execute} from '@oclif/core/execute'
