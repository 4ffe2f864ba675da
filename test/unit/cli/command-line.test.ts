import {strict as assert} from 'node:assert'

import {parse} from '@oclif/core/parser'

import {type CommandLineFlag, flagValues, foldListedValues} from '../../../src/cli/command-line.js'
import Firehose from '../../../src/commands/firehose.js'
import Logs from '../../../src/commands/logs.js'

const flags: Record<string, CommandLineFlag> = {
  type: {type: 'option', options: ['out', 'err']},
  timestamps: {type: 'option', char: 't', options: ['default', 'utc', 'short', 'none']},
  shell: {type: 'option', options: ['Bash']},
  include: {type: 'option'},
  endpoint: {type: 'option'},
  quiet: {type: 'boolean', char: 'q'},
}

// Command lines that hide an --endpoint from a reader that is not oclif's, or show one it is not.
const TRICKY = [
  ['web', '--endpoint', 'wss://e'],
  ['web', '--endpoint=wss://e'],
  ['web', '--include', '--', '--endpoint', 'wss://e'],
  ['web', '--include', '--endpoint=wss://e'],
  ['web', '--quiet=--endpoint', 'wss://e'],
  ['web', '--json=--endpoint=wss://e'],
  ['web', '--no-color=--endpoint=wss://e'],
  ['web', '-q-endpoint', 'wss://e'],
  ['web', '-q-endpoint=wss://e'],
  ['web', '-q=--endpoint=wss://e'],
  ['web', '--lines', '5', '--endpoint', 'wss://e'],
  ['web', '--source', 'APP', '--endpoint', 'wss://e', '--exclude', 'x'],
  ['web', '--', '--endpoint', 'wss://e'],
  ['web', '--recent=--type', 'ERR'],
  ['web', '--bogus=--endpoint', 'wss://e'],
]

describe('flagValues', () => {
  const saved = process.env.CFWS_LOGGER_ENDPOINT
  beforeEach(() => delete process.env.CFWS_LOGGER_ENDPOINT)
  afterEach(() => {
    if (saved !== undefined) process.env.CFWS_LOGGER_ENDPOINT = saved
  })

  for (const command of [Logs, Firehose]) {
    it(`finds --endpoint where oclif does, and its value, in tricky ${command.name.toLowerCase()} command lines`, async () => {
      for (const argv of TRICKY) {
        const words = command === Firehose ? argv.slice(1) : argv
        const found = flagValues(words, command.flags).find((value) => value.flag === 'endpoint')
        const input = {flags: command.flags, args: command.args, strict: command.strict}
        const parsed = await parse(words, input as Parameters<typeof parse>[1]).then(
          (output) => output.flags as {endpoint?: string},
          () => undefined,
        )
        // A line oclif refuses never reaches the command: only a line it takes must agree.
        if (parsed === undefined) continue
        assert.equal(found && words[found.index].slice(found.start), parsed.endpoint, words.join(' '))
      }
    })
  }

  it('finds each value as oclif reads it: after the flag, after =, after its letter, attached to it', () => {
    assert.deepEqual(flagValues(['web', '--type', 'ERR', '--timestamps=UTC', '-t', 'short', '-tnone', '-q'], flags), [
      {flag: 'type', index: 2, start: 0},
      {flag: 'timestamps', index: 3, start: 13},
      {flag: 'timestamps', index: 5, start: 0},
      {flag: 'timestamps', index: 6, start: 2},
    ])
  })
})

describe('foldListedValues', () => {
  it('writes a listed value in its list’s case, in every form of the flag', () => {
    assert.deepEqual(
      foldListedValues(['web', '--type', 'ERR', '--timestamps=UTC', '-t', 'Short', '-tNONE', '-q-type=Err'], flags),
      ['web', '--type', 'err', '--timestamps=utc', '-t', 'short', '-tnone', '-q-type=err'],
    )
  })

  it('leaves words no list has, values of other flags, lists with capitals and all after --', () => {
    const argv = ['--type', 'WARN', '--include', '--type=ERR', '--shell', 'BASH', 'ERR', '--', '--type', 'ERR']
    assert.deepEqual(foldListedValues(argv, flags), argv)
  })
})
