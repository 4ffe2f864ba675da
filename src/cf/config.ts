import {readFileSync} from 'node:fs'
import {chmod, rename, stat, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

import {AuthError, NotFoundError} from '../errors.js'

const NOT_LOGGED_IN = "Not logged in. Use 'cf login' to log in."

/** The keys of the cf CLI's config.json that cfws reads (PROTOCOL.md §3). */
export interface CfConfig {
  readonly path: string
  readonly target: string
  readonly authorizationEndpoint: string
  readonly accessToken: string
  readonly refreshToken: string
  readonly grantType: string
  readonly oauthClient: string
  readonly oauthClientSecret: string
  readonly sslDisabled: boolean
  readonly dopplerEndpoint?: string
  readonly logCacheEndpoint?: string
  readonly org: {guid: string; name: string}
  readonly space: {guid: string; name: string}
}

export function cfConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.CF_HOME || homedir(), '.cf', 'config.json')
}

/**
 * The cf login. `requireLogin: false` is for a run with its own UAA client credentials: it still
 * needs the config's target and UAA, but not the user's token.
 */
export async function readCfConfig(env: NodeJS.ProcessEnv = process.env, options = {requireLogin: true}): Promise<CfConfig> {
  const path = cfConfigPath(env)
  const json = readJsonObject(path)
  const accessToken = stringField(json, 'AccessToken')
  const target = stringField(json, 'Target')
  if (!target || (options.requireLogin && !accessToken)) {
    throw new AuthError('NOT_LOGGED_IN', NOT_LOGGED_IN, {hint: `cfws reads the cf CLI's login from ${path}.`})
  }

  const org = fieldsOf(json.OrganizationFields)
  const space = fieldsOf(json.SpaceFields)
  return {
    path,
    target: target.replace(/\/+$/, ''),
    authorizationEndpoint: stringField(json, 'AuthorizationEndpoint').replace(/\/+$/, ''),
    accessToken,
    refreshToken: stringField(json, 'RefreshToken'),
    grantType: stringField(json, 'UAAGrantType'),
    oauthClient: stringField(json, 'UAAOAuthClient') || 'cf',
    oauthClientSecret: stringField(json, 'UAAOAuthClientSecret'),
    sslDisabled: json.SSLDisabled === true,
    dopplerEndpoint: stringField(json, 'DopplerEndPoint') || undefined,
    logCacheEndpoint: stringField(json, 'LogCacheEndPoint') || undefined,
    org,
    space,
  }
}

/** The targeted space, or the cf CLI's own words when there is none. */
export function requireTargetedSpace(config: CfConfig): {guid: string; name: string} {
  if (!config.space.guid) {
    throw new NotFoundError('NO_SPACE_TARGETED', "No space targeted, use 'cf target -s SPACE' to target a space.")
  }

  return config.space
}

/**
 * Stores refreshed tokens the way the cf CLI would, so that `cf` and cfws keep sharing one login.
 * Atomic (a temporary file in the same folder, then rename), every other key kept, mode kept.
 */
export async function saveTokens(path: string, tokens: {accessToken: string; refreshToken?: string}): Promise<void> {
  const json = readJsonObject(path)
  json.AccessToken = tokens.accessToken
  if (tokens.refreshToken) json.RefreshToken = tokens.refreshToken

  const {mode} = await stat(path)
  const temporary = join(dirname(path), `.config.json.cfws-${process.pid}-${Date.now()}`)
  await writeFile(temporary, JSON.stringify(json, null, 2) + '\n', {mode: mode & 0o777})
  await chmod(temporary, mode & 0o777)
  await rename(temporary, path)
}

// Read at once: a small file every run starts with, where an asynchronous read costs several
// round trips through libuv's thread pool (0.5 ms against 0.1).
function readJsonObject(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new AuthError('NOT_LOGGED_IN', NOT_LOGGED_IN, {cause: error, hint: `No cf config at ${path}; set CF_HOME if it lives elsewhere.`})
  }

  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new AuthError('CONFIG_INVALID', `${NOT_LOGGED_IN} (${path} is not valid JSON)`, {cause: error})
  }

  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AuthError('CONFIG_INVALID', `${NOT_LOGGED_IN} (${path} is not a JSON object)`)
  }

  return parsed as Record<string, unknown>
}

function stringField(json: Record<string, unknown>, key: string): string {
  const value = json[key]
  return typeof value === 'string' ? value : ''
}

function fieldsOf(value: unknown): {guid: string; name: string} {
  const fields = (value ?? {}) as Record<string, unknown>
  return {guid: stringField(fields, 'GUID'), name: stringField(fields, 'Name')}
}
