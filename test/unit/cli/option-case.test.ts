import {strict as assert} from 'node:assert'

import {foldListedValues} from '../../../src/cli/option-case.js'

const flags = {
  type: {options: ['out', 'err']},
  timestamps: {char: 't', options: ['default', 'utc', 'short', 'none']},
  shell: {options: ['Bash']},
  include: {},
}

describe('foldListedValues', () => {
  it('writes a listed value in its list’s case, in both --flag forms and the letter’s', () => {
    assert.deepEqual(foldListedValues(['web', '--type', 'ERR', '--timestamps=UTC', '-t', 'Short'], flags), [
      'web',
      '--type',
      'err',
      '--timestamps=utc',
      '-t',
      'short',
    ])
  })

  it('leaves words no list has, flags without a list or with capitals in it, and all after --', () => {
    assert.deepEqual(
      foldListedValues(['--type', 'WARN', '--include', 'ERR', '--shell', 'BASH', 'ERR', '--', '--type', 'ERR'], flags),
      ['--type', 'WARN', '--include', 'ERR', '--shell', 'BASH', 'ERR', '--', '--type', 'ERR'],
    )
    assert.deepEqual(foldListedValues(['--type'], flags), ['--type'])
  })
})
