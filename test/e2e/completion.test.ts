import {strict as assert} from 'node:assert'
import {execFile, execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {runCli} from '../helpers/run-cli.js'

const run = promisify(execFile)

function installed(shell: string): boolean {
  try {
    execFileSync(shell, ['--version'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

describe('cfws completion (end to end)', () => {
  let work: string
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'cfws-completion-'))
  })
  after(() => rmSync(work, {recursive: true, force: true}))

  async function script(shell: string): Promise<string> {
    const result = await runCli(['completion', shell])
    assert.deepEqual([result.code, result.stderr], [0, ''])
    const file = join(work, `cfws.${shell}`)
    writeFileSync(file, result.stdout)
    return file
  }

  describe('bash, driving the function as bash does on Tab', () => {
    const cases: Array<[string[], string]> = [
      [['cfws', ''], 'completion demo doctor firehose help logs --help --version'],
      [['cfws', 'fi'], 'firehose'],
      [['cfws', 'logs', '--ti'], '--timestamps'],
      [['cfws', 'logs', 'myapp', '--timestamps', 's'], 'short'],
      [['cfws', 'logs', '--type', ''], 'out err'],
      [['cfws', 'logs', '--no-c'], '--no-color'],
      [['cfws', 'logs', '--endpoint', ''], ''],
      [['cfws', 'demo', ''], 'logs firehose'],
      [['cfws', 'demo', 'logs', 'web', '--qu'], '--quiet'],
      [['cfws', 'firehose', '--subscription-id', 'x', '--int'], '--int64-as-string'],
      [['cfws', 'completion', ''], 'bash zsh fish'],
      [['cfws', 'help', 'd'], 'demo doctor'],
    ]
    for (const [words, expected] of cases) {
      it(`completes ${words.join(' ')}⇥ to '${expected}'`, async () => {
        const file = await script('bash')
        const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cfws; echo "\${COMPREPLY[*]}"`
        const {stdout} = await run('bash', ['-c', program, 'bash', file, ...words])
        assert.equal(stdout, `${expected}\n`)
      })
    }

    it('registers itself for cfws', async () => {
      const {stdout} = await run('bash', ['-c', 'source "$1"; complete -p cfws', 'bash', await script('bash')])
      assert.equal(stdout, 'complete -F _cfws cfws\n')
    })
  })

  for (const [shell, check] of [
    ['zsh', ['-n']],
    ['fish', ['--no-execute']],
  ] as const) {
    const present = installed(shell)
    describe(`${shell}${present ? '' : `: skipped, ${shell} is not installed`}`, () => {
      before(function () {
        if (!present) this.skip()
      })

      it('writes a script the shell parses', async () => {
        await run(shell, [...check, await script(shell)])
      })
    })
  }

  // What Tab makes of a line, as the shell's own completion does it: the line after it (zsh, in a
  // pseudo-terminal of its own: the key after Tab writes the line out and ends), or what it offers (fish).
  const ZSH_TAB = `zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "autoload -Uz compinit && compinit -u -D && source \${1} && dump() { print -r -- \\$BUFFER > \${3}; exit }; zle -N dump; bindkey '^X' dump"
zpty -w -n z "\${2}"$'\\t\\x18'
while zpty -r z line; do :; done 2>/dev/null
zpty -d z`
  const lines: Array<[string, string, string]> = [
    ['cfws logs myapp --tim', 'cfws logs myapp --timestamps=', '--timestamps\thow each line starts'],
    ['cfws logs web worker --qu', 'cfws logs web worker --quiet ', '--quiet\tno notices on stderr'],
    ['cfws logs myapp --timestamps s', 'cfws logs myapp --timestamps short ', 'short\thow each line starts'],
    [
      'cfws doctor myapp --fi',
      'cfws doctor myapp --firehose ',
      '--firehose\ttry the firehose instead of an app stream',
    ],
    ['cfws demo logs web --qu', 'cfws demo logs web --quiet ', '--quiet\tno notices on stderr'],
    ['cfws completion b', 'cfws completion bash ', 'bash'],
  ]
  describe(`zsh and fish, on Tab${installed('zsh') && installed('fish') ? '' : ': skipped, zsh or fish is not installed'}`, () => {
    before(function () {
      if (!installed('zsh') || !installed('fish')) this.skip()
    })

    for (const [line, zshLine, fishOffer] of lines) {
      it(`completes ${line}⇥ as zsh and fish do`, async () => {
        const after = join(work, 'zsh-line')
        await run('zsh', ['-f', '-c', ZSH_TAB, 'zsh', await script('zsh'), line, after], {timeout: 10_000})
        assert.equal(readFileSync(after, 'utf8'), `${zshLine}\n`)
        const fish = await run('fish', [
          '--no-config',
          '-c',
          'source $argv[1]; complete -C $argv[2]',
          await script('fish'),
          line,
        ])
        assert.equal(fish.stdout, `${fishOffer}\n`)
      })
    }
  })

  it('offers the values of a flag with a fixed list in zsh and fish too', async () => {
    const zsh = (await runCli(['completion', 'zsh'])).stdout
    assert.match(zsh, /^ {4}--timestamps='\[how each line starts\]:timestamps:\(default utc short none\)' \\$/m)
    const fish = (await runCli(['completion', 'fish'])).stdout
    assert.match(
      fish,
      /^complete -c cfws -n '__fish_seen_subcommand_from logs' -l timestamps -x -a 'default utc short none' -d 'how each line starts'$/m,
    )
  })

  it('refuses a shell it does not know (exit 2)', async () => {
    const result = await runCli(['completion', 'tcsh'])
    assert.equal(result.code, 2)
    assert.equal(result.stdout, '')
    assert.match(
      result.stderr,
      /^cfws: Expected tcsh to be one of: bash, zsh, fish\nhint: See 'cfws completion --help'\.\n$/,
    )
  })
})
