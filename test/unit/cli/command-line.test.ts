import {strict as assert} from 'node:assert'

import {type CommandLineFlag, flagValues, foldListedValues} from '../../../src/cli/command-line.js'

const flags: Record<string, CommandLineFlag> = {
  type: {type: 'option', options: ['out', 'err']},
  timestamps: {type: 'option', char: 't', options: ['default', 'utc', 'short', 'none']},
  shell: {type: 'option', options: ['Bash']},
  include: {type: 'option'},
  endpoint: {type: 'option'},
  quiet: {type: 'boolean', char: 'q'},
}

describe('flagValues', () => {
  it('finds each value as oclif reads it: after the flag, after =, after its letter, attached to it', () => {
    assert.deepEqual(flagValues(['web', '--type', 'ERR', '--timestamps=UTC', '-t', 'short', '-tnone', '-q'], flags), [
      {flag: 'type', index: 2, start: 0},
      {flag: 'timestamps', index: 3, start: 13},
      {flag: 'timestamps', index: 5, start: 0},
      {flag: 'timestamps', index: 6, start: 2},
    ])
  })

  it('takes the word after a flag as its value whatever it is, and stops at a -- that is none', () => {
    assert.deepEqual(flagValues(['--include', '--endpoint=x', '--include', '--', '--endpoint', 'wss://h'], flags), [
      {flag: 'include', index: 1, start: 0},
      {flag: 'include', index: 3, start: 0},
      {flag: 'endpoint', index: 5, start: 0},
    ])
    assert.deepEqual(flagValues(['web', '--', '--endpoint', 'wss://h'], flags), [])
    assert.deepEqual(flagValues(['--bogus', 'x', '--quiet', 'web', '--type'], flags), [])
  })
})

describe('foldListedValues', () => {
  it('writes a listed value in its list’s case, in every form of the flag', () => {
    assert.deepEqual(foldListedValues(['web', '--type', 'ERR', '--timestamps=UTC', '-t', 'Short', '-tNONE'], flags), [
      'web',
      '--type',
      'err',
      '--timestamps=utc',
      '-t',
      'short',
      '-tnone',
    ])
  })

  it('leaves words no list has, values of other flags, lists with capitals and all after --', () => {
    const argv = ['--type', 'WARN', '--include', '--type=ERR', '--shell', 'BASH', 'ERR', '--', '--type', 'ERR']
    assert.deepEqual(foldListedValues(argv, flags), argv)
  })
})
