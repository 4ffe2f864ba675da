import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'

import {runCli} from '../helpers/run-cli.js'

const {version} = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}

// The CLI runs from an esbuild bundle with oclif's explicit command discovery: these are the start
// paths that load oclif alone (--version, help) or the commands entry as well (a command's --help).
describe('cfws start-up from the bundle', () => {
  it('prints its version line from package.json', async () => {
    const result = await runCli(['--version'])
    assert.equal(result.code, 0)
    assert.equal(result.stdout, `cfws/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
    assert.equal(result.stderr, '')
  })

  it('lists both commands in the root help and shows a command’s flags', async () => {
    const root = await runCli(['--help'])
    assert.equal(root.code, 0)
    assert.match(root.stdout, /^ {2}firehose +Stream every envelope/m)
    assert.match(root.stdout, /^ {2}logs +Stream an app's logs/m)
    const logs = await runCli(['logs', '--help'])
    assert.equal(logs.code, 0)
    assert.match(logs.stdout, /\$ cfws logs APP/)
    assert.match(logs.stdout, /--recent/)
    const help = await runCli(['help', 'firehose'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /--subscription-id/)
  })
})
