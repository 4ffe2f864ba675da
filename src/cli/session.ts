import {type CfConfig, readCfConfig} from '../cf/config.js'
import {discoverLogCache, discoverLoggingEndpoint} from '../cf/cloud-controller.js'
import {type ClientCredentials, hasScope, TokenSource} from '../cf/tokens.js'
import {type EndpointOrigin, resolveEndpoint} from '../endpoint/resolve.js'
import {ForbiddenError} from '../errors.js'
import {notice} from './notice.js'

export interface Session {
  config: CfConfig
  tokens: TokenSource
  verifyTls: boolean
  /** The run's end (Ctrl-C, SIGTERM): every request of the session is cut short when it aborts. */
  signal?: AbortSignal
}

/**
 * The user's cf login (or a UAA client of its own), the TLS policy every request of this run
 * follows, and the signal that ends them all.
 */
export async function openSession(
  skipSslValidation: boolean,
  clientCredentials?: ClientCredentials,
  signal?: AbortSignal,
): Promise<Session> {
  const config = await readCfConfig(process.env, {requireLogin: !clientCredentials})
  const verifyTls = !(skipSslValidation || config.sslDisabled)
  return {
    config,
    tokens: new TokenSource(config, {verifyTls, clientCredentials, signal, onNotice: notice}),
    verifyTls,
    signal,
  }
}

/**
 * The Traffic Controller: `--endpoint`, then CFWS_LOGGER_ENDPOINT, then Cloud Controller discovery
 * (../shared/CLI.md "Logger endpoint resolution"). oclif fills the flag from the variable, so the
 * origin is told apart here only to name it in messages.
 */
export async function resolveLoggerEndpoint(
  session: Session,
  endpointFlag: string | undefined,
  env = process.env,
): Promise<URL> {
  if (endpointFlag !== undefined) return resolveEndpoint(endpointFlag, endpointOrigin(endpointFlag, env))

  const discovered = await discoverLoggingEndpoint({
    target: session.config.target,
    verifyTls: session.verifyTls,
    signal: session.signal,
  })
  return resolveEndpoint(discovered, 'the Cloud Controller')
}

/** Which of the two filled the flag, to name it in messages. */
export function endpointOrigin(endpointFlag: string, env = process.env): EndpointOrigin {
  return env.CFWS_LOGGER_ENDPOINT === endpointFlag ? 'CFWS_LOGGER_ENDPOINT' : '--endpoint'
}

/**
 * Log Cache: as the root document advertises it, else the config's LogCacheEndPoint (CLI.md),
 * which also stands in when the root document fails; without it, that failure is the answer.
 */
export async function findLogCache(session: Session): Promise<string | undefined> {
  let advertised: string | undefined
  try {
    advertised = await discoverLogCache({
      target: session.config.target,
      verifyTls: session.verifyTls,
      signal: session.signal,
    })
  } catch (error) {
    if (session.config.logCacheEndpoint === undefined || session.signal?.aborted) throw error
  }

  return advertised ?? session.config.logCacheEndpoint
}

const FIREHOSE_SCOPE = 'doppler.firehose'

/**
 * The firehose needs `doppler.firehose` (`logs.admin` is not accepted there, PROTOCOL.md §5): said
 * before connecting, from the token's own claims, so the user is not left with a bare 401.
 */
export async function requireFirehoseScope(session: Session, ownClient: boolean): Promise<void> {
  if (hasScope(await session.tokens.validToken(), FIREHOSE_SCOPE)) return
  throw new ForbiddenError(
    'FIREHOSE_SCOPE_MISSING',
    `The token has no ${FIREHOSE_SCOPE} scope, which the firehose needs`,
    {
      hint: ownClient
        ? `Give the UAA client the ${FIREHOSE_SCOPE} authority.`
        : `Log in as a user with ${FIREHOSE_SCOPE}, or use a UAA client that has it: --client-id/--client-secret (or CFWS_CLIENT_ID/CFWS_CLIENT_SECRET).`,
    },
  )
}
