import {strict as assert} from 'node:assert'

import {describeParseFailure, unknownFlagHint} from '../../../src/cli/parse-failure.js'

const MORE = '\nSee more help with --help'

describe('describeParseFailure', () => {
  it("says flags that exclude each other in the operator's words, each pair once, without oclif's heading", () => {
    assert.equal(
      describeParseFailure(
        `The following error occurred:\n --recent=true cannot also be provided when using --for${MORE}`,
      ),
      '--recent and --for cannot be used together',
    )
    assert.equal(
      describeParseFailure(
        'The following errors occurred:\n  --app-regex=a b cannot also be provided when using --all\n' +
          `  --all=true cannot also be provided when using --app-regex\n  Flag --tail can only be specified once${MORE}`,
      ),
      '--app-regex and --all cannot be used together; Flag --tail can only be specified once',
    )
  })

  it('drops the colour oclif gives the reasons on a terminal', () => {
    assert.equal(
      describeParseFailure(
        `The following error occurred:\n \u001B[2m--json=true cannot also be provided when using --timestamps\u001B[22m${MORE}`,
      ),
      '--json and --timestamps cannot be used together',
    )
  })

  it('says what a whole-number flag takes, and its bounds', () => {
    assert.equal(
      describeParseFailure(`Parsing --tail \n\tExpected an integer but received: abc${MORE}`),
      "--tail takes a whole number, not 'abc'",
    )
    assert.equal(
      describeParseFailure(
        `Parsing --max-lines \n\tExpected an integer greater than or equal to 1 but received: 0${MORE}`,
      ),
      "--max-lines takes a whole number of at least 1, not '0'",
    )
    assert.equal(
      describeParseFailure(
        `Parsing --tail \n\tExpected an integer less than or equal to 9007199254740991 but received: 99999999999999999999${MORE}`,
      ),
      "--tail takes a whole number of at most 9007199254740991, not '99999999999999999999'",
    )
  })

  it('says the words a listed flag takes, and keeps any other reason as it is', () => {
    assert.equal(
      describeParseFailure(`Expected --type=warn to be one of: out, err${MORE}`),
      "--type takes one of out, err, not 'warn'",
    )
    assert.equal(describeParseFailure(`Nonexistent flag: --bogus${MORE}`), 'Nonexistent flag: --bogus')
    assert.equal(describeParseFailure('Parsing --x\nsomething else'), 'Parsing --x; something else')
  })
  it('keeps a line break the operator typed inside a value, for the printed line to show escaped', () => {
    assert.equal(
      describeParseFailure(
        'The following errors occurred:\n  --app-regex=a\nb cannot also be provided when using --all\n' +
          `  --all=true cannot also be provided when using --app-regex\n  Flag --tail can only be specified once${MORE}`,
      ),
      '--app-regex and --all cannot be used together; Flag --tail can only be specified once',
    )
    assert.equal(
      describeParseFailure(`Parsing --tail \n\tExpected an integer but received: a\nb${MORE}`),
      "--tail takes a whole number, not 'a\nb'",
    )
    assert.equal(
      describeParseFailure(`Expected --type=a\nb to be one of: out, err${MORE}`),
      "--type takes one of out, err, not 'a\nb'",
    )
  })
})

describe('unknownFlagHint', () => {
  it('tells a user of kubectl logs -f that cfws logs follows anyway, and says nothing of other flags', () => {
    assert.equal(
      unknownFlagHint(['--bogus', '--follow'], 'logs'),
      "cfws logs follows by default, as 'kubectl logs -f' does: leave out --follow.",
    )
    assert.equal(unknownFlagHint(['-f'], 'firehose'), undefined)
    assert.equal(unknownFlagHint(['--fo'], 'logs'), undefined)
    assert.equal(unknownFlagHint(undefined, 'logs'), undefined)
  })
})
