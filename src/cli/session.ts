import {type CfConfig, readCfConfig} from '../cf/config.js'
import {discoverLoggingEndpoint} from '../cf/cloud-controller.js'
import {TokenSource} from '../cf/tokens.js'
import {type EndpointOrigin, resolveEndpoint} from '../endpoint/resolve.js'

export interface Session {
  config: CfConfig
  tokens: TokenSource
  verifyTls: boolean
}

/** The user's cf login and the TLS policy every request of this run follows. */
export async function openSession(skipSslValidation: boolean): Promise<Session> {
  const config = await readCfConfig()
  const verifyTls = !(skipSslValidation || config.sslDisabled)
  return {config, tokens: new TokenSource(config, {verifyTls}), verifyTls}
}

/**
 * The Traffic Controller: `--endpoint`, then CFWS_LOGGER_ENDPOINT, then Cloud Controller discovery
 * (../shared/CLI.md "Logger endpoint resolution"). oclif fills the flag from the variable, so the
 * origin is told apart here only to name it in messages.
 */
export async function resolveLoggerEndpoint(session: Session, endpointFlag: string | undefined, env = process.env): Promise<URL> {
  if (endpointFlag !== undefined) {
    const origin: EndpointOrigin = env.CFWS_LOGGER_ENDPOINT === endpointFlag ? 'CFWS_LOGGER_ENDPOINT' : '--endpoint'
    return resolveEndpoint(endpointFlag, origin)
  }

  const discovered = await discoverLoggingEndpoint({target: session.config.target, verifyTls: session.verifyTls})
  return resolveEndpoint(discovered, 'the Cloud Controller')
}
