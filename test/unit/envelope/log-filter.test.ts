import {strict as assert} from 'node:assert'

import {
  createLogFilter,
  describeUnknownInstances,
  describeUnknownSources,
  type LogFilterOptions,
} from '../../../src/envelope/log-filter.js'
import type {LogMessage} from '../../../src/envelope/types.js'

const line = (message: string, fields: Partial<LogMessage> = {}): LogMessage => ({
  message: Buffer.from(message),
  messageType: 1,
  sourceType: 'APP/PROC/WEB',
  sourceInstance: '0',
  ...fields,
})

const LINES = [
  line('web out'),
  line('web err', {messageType: 2, sourceInstance: '2'}),
  line('task', {sourceType: 'APP/TASK/migrate'}),
  line('GET / 200', {sourceType: 'RTR', sourceInstance: '1'}),
  line('staging', {sourceType: 'STG'}),
  line('appx', {sourceType: 'APPX'}),
  line('Error: timeout\n    at x\n', {messageType: 2}),
]

function kept(options: LogFilterOptions): string[] {
  const filter = createLogFilter(options)
  assert.ok(filter)
  return LINES.filter(filter).map((log) => Buffer.from(log.message!).toString().split('\n')[0])
}

describe('createLogFilter', () => {
  it('filters nothing when no filter is given', () => {
    assert.equal(createLogFilter({}), undefined)
    assert.equal(createLogFilter({sources: [], include: []}), undefined)
  })

  it('matches a source type by prefix on whole parts, case-insensitive, commas and repeats alike', () => {
    assert.deepEqual(kept({sources: ['app']}), ['web out', 'web err', 'task', 'Error: timeout'])
    assert.deepEqual(kept({sources: ['RTR,STG']}), ['GET / 200', 'staging'])
    assert.deepEqual(kept({sources: ['APP/TASK', 'APPX']}), ['task', 'appx'])
  })

  it('leaves out the --exclude-source types as --source matches them, and after --source', () => {
    assert.deepEqual(kept({excludeSources: ['rtr']}), [
      'web out',
      'web err',
      'task',
      'staging',
      'appx',
      'Error: timeout',
    ])
    assert.deepEqual(kept({excludeSources: ['APP/TASK,STG', 'APPX', 'RTR']}), ['web out', 'web err', 'Error: timeout'])
    assert.deepEqual(kept({sources: ['APP'], excludeSources: ['APP/TASK']}), ['web out', 'web err', 'Error: timeout'])
  })

  it('keeps only the given instances', () => {
    assert.deepEqual(kept({instances: ['1,2']}), ['web err', 'GET / 200'])
  })

  it('keeps only OUT or only ERR', () => {
    assert.deepEqual(kept({type: 'err'}), ['web err', 'Error: timeout'])
    assert.equal(kept({type: 'out'}).length, 5)
  })

  it('includes messages matching any pattern and excludes those matching one, across lines', () => {
    assert.deepEqual(kept({include: ['^web', 'timeout']}), ['web out', 'web err', 'Error: timeout'])
    assert.deepEqual(kept({include: ['^web', 'timeout'], exclude: ['err$', 'at x$']}), ['web out'])
    assert.deepEqual(kept({exclude: ['^GET ']}).length, 6)
  })

  it('combines every filter', () => {
    assert.deepEqual(kept({sources: ['APP'], type: 'err', instances: ['0'], include: ['Error']}), ['Error: timeout'])
  })

  it('refuses a bad pattern as a usage error naming the flag and the pattern', () => {
    assert.throws(
      () => createLogFilter({exclude: ['ok', 'a(b']}),
      (error: {code?: string; exitCode?: number; message: string}) => {
        assert.equal(error.code, 'INVALID_REGEX')
        assert.equal(error.exitCode, 2)
        assert.equal(error.message, "Invalid regular expression in --exclude 'a(b': /a(b/: Unterminated group")
        return true
      },
    )
  })
})

describe('describeUnknownSources', () => {
  it("says nothing of Cloud Foundry's source types, in any case, and of what lies below them", () => {
    assert.equal(describeUnknownSources(['APP/PROC/WEB,rtr', 'stg', 'CELL', 'SSH,LGR,API']), undefined)
    assert.equal(describeUnknownSources(undefined), undefined)
  })

  it('names each type that is not one, as given', () => {
    assert.equal(
      describeUnknownSources(['RTR,rte']),
      "--source 'rte': not one of Cloud Foundry's source types (API, APP, CELL, LGR, RTR, SSH, STG); only lines of a source of that name will print",
    )
    assert.equal(
      describeUnknownSources(['RTR,CEL'], '--exclude-source'),
      "--exclude-source 'CEL': not one of Cloud Foundry's source types (API, APP, CELL, LGR, RTR, SSH, STG); it leaves out only lines of a source of that name",
    )
    assert.equal(
      describeUnknownSources(['RTE', 'APPS/PROC']),
      "--source 'RTE', 'APPS/PROC': not among those of Cloud Foundry's source types (API, APP, CELL, LGR, RTR, SSH, STG); only lines of a source of that name will print",
    )
  })
})

describe('describeUnknownInstances', () => {
  it('says nothing of instance indexes, and names each value that is not one, as given', () => {
    assert.equal(describeUnknownInstances(['0,2', '10']), undefined)
    assert.equal(describeUnknownInstances(undefined), undefined)
    assert.equal(
      describeUnknownInstances(['0,web', '1-2']),
      "--instance 'web', '1-2': Cloud Foundry numbers instances (0, 1, 2…); only lines of an instance of that name will print",
    )
  })
})
