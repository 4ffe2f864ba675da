import {strict as assert} from 'node:assert'
import {fileURLToPath} from 'node:url'

import {ESLint} from 'eslint'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const eslint = new ESLint({cwd: root})

/** What the project's own ESLint config reports for `code` were it the file at `path`: `rule: message` each. */
async function reported(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {filePath: `${root}${path}`})
  return result.messages.map((message) => `${message.ruleId ?? 'fatal'}: ${message.message}`)
}

async function assertRefused(path: string, code: string, expected: RegExp): Promise<void> {
  const messages = await reported(path, code)
  assert.equal(messages.length, 1, messages.join('\n'))
  assert.match(messages[0], expected)
}

async function assertAllowed(path: string, code: string): Promise<void> {
  assert.deepEqual(await reported(path, code), [])
}

const RESTRICTED = '@typescript-eslint/no-restricted-imports: '

describe('the layer rules of eslint.config.js', function () {
  // Each case builds a type-aware program: seconds on a shared machine.
  this.timeout(60_000)

  it('refuses render/ in stream/', async () => {
    await assertRefused(
      'src/stream/close-reason.ts',
      "import {visibleControls} from '../render/visible-controls.js'\nexport const shown = visibleControls('x')\n",
      new RegExp(
        `^${RESTRICTED}'\\.\\./render/visible-controls\\.js' import is restricted .* stream/ never imports render/`,
      ),
    )
  })

  it('refuses node I/O in envelope/ and render/, and leaves the writer and node:buffer alone', async () => {
    await assertRefused(
      'src/render/color.ts',
      "import {writeSync} from 'node:fs'\nexport const write = writeSync\n",
      new RegExp(`^${RESTRICTED}'node:fs' import .* envelope/ and render/ do no I/O`),
    )
    await assertRefused(
      'src/envelope/filter.ts',
      "import {connect} from 'net'\nexport const dial = connect\n",
      new RegExp(`^${RESTRICTED}'net' import .* do no I/O`),
    )
    await assertRefused(
      'src/envelope/filter.ts',
      "import WebSocket from 'ws'\nexport const Socket = WebSocket\n",
      new RegExp(`^${RESTRICTED}'ws' import .* do no I/O`),
    )
    await assertRefused(
      'src/render/visible-controls.ts',
      'export const out = process.stdout\n',
      /^no-restricted-globals: Unexpected use of 'process'\. envelope\/ and render\/ do no I\/O/,
    )
    await assertAllowed(
      'src/render/output-writer.ts',
      "import {writeSync} from 'node:fs'\nexport const out = [process.stdout, writeSync]\n",
    )
    await assertAllowed('src/envelope/scan.ts', "import {isUtf8} from 'node:buffer'\nexport const check = isUtf8\n")
  })

  it('refuses @oclif/core but in src/oclif.ts, and lets a type through', async () => {
    await assertRefused(
      'src/cli/flags.ts',
      "import {Flags} from '@oclif/core'\nexport const f = Flags\n",
      new RegExp(`^${RESTRICTED}'@oclif/core' import .* through src/oclif\\.ts`),
    )
    await assertRefused(
      'src/commands/logs.ts',
      "import {execute} from '@oclif/core/execute'\nexport const run = execute\n",
      new RegExp(`^${RESTRICTED}'@oclif/core/execute' import .* through src/oclif\\.ts`),
    )
    await assertAllowed('src/oclif.ts', "export {Flags} from '@oclif/core'\n")
    await assertAllowed(
      'src/hooks/command-not-found.ts',
      "import type {Hook} from '@oclif/core/hooks'\nexport type Init = Hook<'init'>\n",
    )
  })

  it('refuses cli/ in a domain folder', async () => {
    await assertRefused(
      'src/cf/config.ts',
      "import {notice} from '../cli/notice.js'\nexport const say = notice\n",
      new RegExp(`^${RESTRICTED}'\\.\\./cli/notice\\.js' import .* commands → cli/ → the domain folders`),
    )
  })

  it('refuses an import cycle', async () => {
    // scan.ts imports wire.ts: wire.ts importing scan.ts closes the loop.
    await assertRefused(
      'src/envelope/wire.ts',
      "import './scan.js'\nexport const wired = true\n",
      /^import-x\/no-cycle: Dependency cycle detected/,
    )
  })
})
