import {strict as assert} from 'node:assert'

import {rewordParseFailure, unknownFlagHint} from '../../../src/cli/parse-failure.js'

describe('rewordParseFailure', () => {
  it("says flags that exclude each other in the operator's words, each pair once", () => {
    assert.equal(
      rewordParseFailure(['--recent=true cannot also be provided when using --for']),
      '--recent and --for cannot be used together',
    )
    assert.equal(
      rewordParseFailure([
        '--app-regex=a b cannot also be provided when using --all',
        '--all=true cannot also be provided when using --app-regex',
        'Flag --tail can only be specified once',
      ]),
      '--app-regex and --all cannot be used together; Flag --tail can only be specified once',
    )
  })

  it('says what a whole-number flag takes, and its bounds', () => {
    assert.equal(
      rewordParseFailure(['Parsing --tail', 'Expected an integer but received: abc']),
      "--tail takes a whole number, not 'abc'",
    )
    assert.equal(
      rewordParseFailure(['Parsing --max-lines', 'Expected an integer greater than or equal to 1 but received: 0']),
      "--max-lines takes a whole number of at least 1, not '0'",
    )
    assert.equal(
      rewordParseFailure([
        'Parsing --tail',
        'Expected an integer less than or equal to 9007199254740991 but received: 1e99',
      ]),
      "--tail takes a whole number of at most 9007199254740991, not '1e99'",
    )
  })

  it('says the words a listed flag takes, and keeps any other reason as it is', () => {
    assert.equal(
      rewordParseFailure(['Expected --type=warn to be one of: out, err']),
      "--type takes one of out, err, not 'warn'",
    )
    assert.equal(rewordParseFailure(['Nonexistent flag: --bogus']), 'Nonexistent flag: --bogus')
    assert.equal(rewordParseFailure(['Parsing --x', 'something else']), 'Parsing --x; something else')
  })
})

describe('unknownFlagHint', () => {
  it('tells a user of kubectl logs -f that cfws logs follows anyway, and says nothing of other flags', () => {
    assert.equal(
      unknownFlagHint('Nonexistent flags: --bogus, --follow', 'logs'),
      "cfws logs follows by default, as 'kubectl logs -f' does: leave out --follow.",
    )
    assert.equal(unknownFlagHint('Nonexistent flag: -f', 'firehose'), undefined)
    assert.equal(unknownFlagHint('Nonexistent flag: --fo', 'logs'), undefined)
  })
})
