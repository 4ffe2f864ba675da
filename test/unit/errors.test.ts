import {strict as assert} from 'node:assert'

import {
  OutputError,
  AuthError,
  CfwsError,
  type CfwsErrorOptions,
  EndpointError,
  ERROR_CATALOGUE,
  type ErrorCode,
  ExitCode,
  type FailureExit,
  ForbiddenError,
  NotFoundError,
  UsageError,
} from '../../src/errors.js'

// The class each exit belongs to; the constructors' code types keep any other pairing from compiling.
const CLASS_OF_EXIT: Record<FailureExit, new (code: never, message: string, options?: CfwsErrorOptions) => CfwsError> =
  {
    bug: OutputError,
    usage: UsageError,
    auth: AuthError,
    forbidden: ForbiddenError,
    notFound: NotFoundError,
    unreachable: EndpointError,
  }

const CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[]

describe('the error catalogue', () => {
  it('gives every code the exit code of its class', () => {
    for (const code of CODES) {
      const {exit} = ERROR_CATALOGUE[code]
      const error = new CLASS_OF_EXIT[exit](code as never, 'm')
      assert.deepEqual(
        [code, error.code, error.exitCode, error.name],
        [code, code, ExitCode[exit], CLASS_OF_EXIT[exit].name],
      )
    }
  })

  it('lets a stream that has worked retry only passing failures', () => {
    assert.deepEqual(
      CODES.filter((code) => new CLASS_OF_EXIT[ERROR_CATALOGUE[code].exit](code as never, 'm').retryable),
      [
        'REFRESH_FAILED',
        'DNS_FAILURE',
        'CONNECTION_REFUSED',
        'TIMEOUT',
        'NETWORK_FAILURE',
        'NOT_HTTP',
        'INVALID_UPGRADE',
        'PROXY_UNREACHABLE',
        'NO_TRAFFIC_CONTROLLER',
        'SERVER_ERROR',
      ],
    )
  })

  it('refreshes the token only for a refused stream upgrade', () => {
    assert.deepEqual(
      CODES.filter((code) => new CLASS_OF_EXIT[ERROR_CATALOGUE[code].exit](code as never, 'm').refreshable),
      ['STREAM_UNAUTHORIZED', 'FIREHOSE_UNAUTHORIZED'],
    )
  })

  it('keeps the message, hint and cause it was given', () => {
    const cause = new Error('low level')
    const error = new EndpointError('TIMEOUT', 'UAA at uaa:443 did not answer in time', {
      hint: 'Check your network.',
      cause,
    })
    assert.deepEqual(
      [error.message, error.hint, error.cause],
      ['UAA at uaa:443 did not answer in time', 'Check your network.', cause],
    )
    assert.ok(error instanceof CfwsError && error instanceof Error)
  })

  it('does not compile a class given a code of another exit, or a code it does not list', () => {
    // Checked by the typecheck (npm test): each line must fail to compile, or @ts-expect-error fails.
    const neverCalled = (): CfwsError[] => [
      // @ts-expect-error STREAM_UNAUTHORIZED is exit 3, an AuthError
      new EndpointError('STREAM_UNAUTHORIZED', 'm'),
      // @ts-expect-error a code the catalogue does not list
      new UsageError('NO_SUCH_CODE', 'm'),
    ]
    assert.equal(typeof neverCalled, 'function')
  })
})
