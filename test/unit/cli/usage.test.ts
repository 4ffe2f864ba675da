import {strict as assert} from 'node:assert'

import {usageLine} from '../../../src/cli/usage.js'
import Doctor from '../../../src/commands/doctor.js'
import Firehose from '../../../src/commands/firehose.js'
import Logs from '../../../src/commands/logs.js'

describe('usageLine', () => {
  it('writes the logs usage with --[no-]color, exclusive flags as alternatives, value names and no stray space', () => {
    assert.equal(
      Logs.usage,
      '[APP...] [--json | --raw-escapes | --timestamps STYLE] [--endpoint URL] [--skip-ssl-validation] [--[no-]color] [--max-retries N] [--idle-timeout DURATION] [--buffer-size SIZE] [--quiet] ' +
        '[--source SOURCE...] [--exclude-source SOURCE...] [--instance N...] [--type out|err] [--include RE...] [--exclude RE...] [--highlight RE] [--all | --app-regex RE] [--refresh-apps DURATION] [--order-window DURATION] [--recent | --for DURATION] [--tail N] [--max-lines N] [--since DURATION|TIME]',
    )
  })

  it('writes flags that need each other together, and a repeatable one with dots', () => {
    assert.equal(
      Firehose.usage,
      '[--json [--int64-as-string]] [--endpoint URL] [--skip-ssl-validation] [--[no-]color] [--max-retries N] [--idle-timeout DURATION] [--buffer-size SIZE] [--quiet] [--filter TYPE...] [--subscription-id ID] [--client-id ID --client-secret SECRET]',
    )
  })

  it('writes the doctor usage as the others, an optional APP first', () => {
    assert.equal(
      Doctor.usage,
      '[APP] [--firehose] [--probe] [--json] [--endpoint URL] [--skip-ssl-validation] [--[no-]color]',
    )
  })

  it('leaves hidden flags and arguments out, and required ones unbracketed', () => {
    const usage = usageLine(
      {name: {required: true}, extra: {}, secret: {hidden: true}},
      {
        target: {type: 'option', required: true},
        quiet: {type: 'boolean', hidden: true},
        verbose: {type: 'boolean', dependsOn: ['quiet']},
        a: {type: 'boolean', exclusive: ['b', 'c']},
        b: {type: 'boolean'},
        c: {type: 'option', helpValue: ['X', 'Y']},
      },
    )
    assert.equal(usage, 'NAME [EXTRA] --target <value> [--verbose] [--a | --b | --c X Y]')
  })
})
