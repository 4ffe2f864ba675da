// The layers of docs/architecture.md ("Module map"), kept one-way by ESLint's no-restricted-imports.
// Patterns are enough for these rules and need no resolver; cycles are import-x's no-cycle
// (eslint.config.js). In a flat config the last block that sets a rule for a file wins, so each
// folder gets one block with every restriction that applies to it.

const oclifOutsideItsDoor = {
  group: ['@oclif/core', '@oclif/core/*'],
  allowTypeImports: true,
  message: 'Reach oclif through src/oclif.ts: the build points it at main.cjs, so the bundle holds one copy.',
}

const upwards = {
  regex: String.raw`(^|/)(cli|commands)/`,
  message:
    'Imports flow one way, commands → cli/ → the domain folders: a domain module never imports cli/ or commands/.',
}

const renderFromStream = {
  regex: String.raw`(^|/)render/`,
  message: 'stream/ never imports render/: the command joins them through cli/run-stream.ts.',
}

const nodeIo = {
  regex: String.raw`^(node:)?(fs|net|http|https|http2|tls|dgram|dns|child_process|readline|worker_threads|cluster|os|process|ws)(/.*)?$`,
  message: 'envelope/ and render/ do no I/O: only render/output-writer.ts touches stdout.',
}

const DOMAIN = ['cf', 'endpoint', 'net', 'stream', 'logcache', 'envelope', 'render', 'doctor', 'demo', 'timers']
const NO_IO = ['src/envelope/**/*.ts', 'src/render/**/*.ts']
const WRITER = 'src/render/output-writer.ts'
// oclif's own entry (the main.cjs bundle) and the door the commands go through.
const OCLIF_DOORS = ['src/oclif.ts', 'src/main.ts']

function restrict(files, patterns, ignores = []) {
  return {files, ignores, rules: {'@typescript-eslint/no-restricted-imports': ['error', {patterns}]}}
}

const domainFolders = DOMAIN.filter((folder) => !['stream', 'envelope', 'render'].includes(folder)).map(
  (folder) => `src/${folder}/**/*.ts`,
)

export const layerRules = [
  restrict(['src/**/*.ts'], [oclifOutsideItsDoor], OCLIF_DOORS),
  restrict(domainFolders, [oclifOutsideItsDoor, upwards]),
  restrict(['src/stream/**/*.ts'], [oclifOutsideItsDoor, upwards, renderFromStream]),
  restrict(NO_IO, [oclifOutsideItsDoor, upwards, nodeIo], [WRITER]),
  restrict([WRITER], [oclifOutsideItsDoor, upwards]),
  {
    files: NO_IO,
    ignores: [WRITER],
    rules: {'no-restricted-globals': ['error', {name: 'process', message: nodeIo.message}]},
  },
]
