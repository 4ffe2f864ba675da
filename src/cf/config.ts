import {readFileSync, statSync} from 'node:fs'
import {chmod, chown, realpath, rename, rm, stat, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

import {AuthError, HINTS, NotFoundError} from '../errors.js'

const NOT_LOGGED_IN = "Not logged in. Use 'cf login' to log in."
// A cf config is a few kilobytes; far more is not one, and reading it whole would cost that much memory.
const MAX_CONFIG_BYTES = 16 * 1024 * 1024

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
export async function readCfConfig(
  env: NodeJS.ProcessEnv = process.env,
  options = {requireLogin: true},
): Promise<CfConfig> {
  const path = cfConfigPath(env)
  const json = readJsonObject(path)
  const accessToken = stringField(json, 'AccessToken')
  const target = stringField(json, 'Target')
  if (!target || (options.requireLogin && !accessToken)) {
    throw new AuthError('NOT_LOGGED_IN', NOT_LOGGED_IN, {hint: `cfws reads the cf CLI's login from ${path}.`})
  }

  parseConfigUrl(target, 'Target', path)
  // Node refuses such a header outright; the token would never have worked.
  if (!HEADER_SAFE.test(accessToken)) {
    throw new AuthError(
      'CONFIG_INVALID',
      `${NOT_LOGGED_IN} (the AccessToken in ${path} holds a line break or another control character)`,
      {hint: HINTS.login},
    )
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

/** What Node accepts in a header value (its checkInvalidHeaderChar). */
const HEADER_SAFE = /^[\t\x20-\x7e\x80-\xff]*$/

/** A URL key of the cf config (Target, AuthorizationEndpoint) that must be http(s): exit 3 with the cf command that sets it. */
export function parseConfigUrl(value: string, key: 'Target' | 'AuthorizationEndpoint', path: string): URL {
  const url = URL.canParse(value) ? new URL(value) : undefined
  if (url && (url.protocol === 'https:' || url.protocol === 'http:')) return url
  throw new AuthError('CONFIG_INVALID', `The ${key} in ${path} is not an http(s) URL: '${value}'`, {
    hint: key === 'Target' ? "Set the API endpoint with 'cf api URL', then 'cf login'." : HINTS.login,
  })
}

/** The targeted space, or the cf CLI's own words when there is none. */
export function requireTargetedSpace(config: CfConfig): {guid: string; name: string} {
  if (!config.org.guid) {
    throw new NotFoundError(
      'NO_SPACE_TARGETED',
      "No org and space targeted, use 'cf target -o ORG -s SPACE' to target an org and space.",
    )
  }

  if (!config.space.guid) {
    throw new NotFoundError('NO_SPACE_TARGETED', "No space targeted, use 'cf target -s SPACE' to target a space.")
  }

  return config.space
}

/**
 * Stores refreshed tokens the way the cf CLI would, so that `cf` and cfws keep sharing one login.
 * The file is read again just before it is written, and only the token keys change: what `cf`
 * wrote since cfws started (a `cf target`, a token of its own) stays. A refresh token is written
 * only when UAA sent a new one. Atomic (a temporary file beside the real one, then rename), every
 * other key kept, mode and owner kept, a symbolic link kept and the file it points to written.
 */
export async function saveTokens(path: string, tokens: {accessToken: string; refreshToken?: string}): Promise<void> {
  const json = readJsonObject(path)
  json.AccessToken = tokens.accessToken
  if (tokens.refreshToken) json.RefreshToken = tokens.refreshToken

  const text = serialize(json, path)
  const file = await realpath(path)
  const {mode, uid, gid} = await stat(file)
  const temporary = join(dirname(file), `.config.json.cfws-${process.pid}-${Date.now()}`)
  try {
    await writeFile(temporary, text, {mode: mode & 0o777})
    await chmod(temporary, mode & 0o777)
    // A root that refreshes a user's login (`sudo -E cfws`) must not leave that user's cf unable to
    // read it. Only root may give a file away: anyone else's config is theirs already (chown to
    // oneself is allowed), or one they may write but not own, which then becomes theirs; a write in
    // place would keep the owner, but not the atomic replace cf relies on.
    await chown(temporary, uid, gid).catch(() => {})
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, {force: true})
    throw error
  }
}

// JSON.parse reads any depth, JSON.stringify recurses: a document nested thousands deep parses but
// cannot be written back.
function serialize(json: Record<string, unknown>, path: string): string {
  try {
    return JSON.stringify(json, null, 2) + '\n'
  } catch (error) {
    throw new Error(`${path} is nested too deeply to write back`, {cause: error})
  }
}

// Read at once: a small file every run starts with, where an asynchronous read costs several
// round trips through libuv's thread pool (0.5 ms against 0.1).
function readJsonObject(path: string): Record<string, unknown> {
  let text: string
  try {
    // Looked at first: reading a FIFO would wait for a writer forever, and a huge file would be read whole.
    const about = statSync(path)
    if (!about.isFile()) throw unreadable(path, `it is ${about.isDirectory() ? 'a directory' : 'not a regular file'}`)
    if (about.size > MAX_CONFIG_BYTES)
      throw unreadable(path, `it holds ${(about.size / 1024 / 1024).toFixed(0)} MiB, far more than a cf config`)
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if (error instanceof AuthError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new AuthError('NOT_LOGGED_IN', NOT_LOGGED_IN, {
        cause: error,
        hint: `No cf config at ${path}; set CF_HOME if it lives elsewhere.`,
      })
    }

    throw unreadable(path, code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error)), error)
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

function unreadable(path: string, why: string, cause?: unknown): AuthError {
  return new AuthError('CONFIG_UNREADABLE', `Cannot read the cf config ${path}: ${why}`, {
    cause,
    hint: 'The cf CLI keeps its login there, a small JSON file you can read and write: check it with ls -l, or set CF_HOME to where yours is.',
  })
}

function stringField(json: Record<string, unknown>, key: string): string {
  const value = json[key]
  return typeof value === 'string' ? value : ''
}

function fieldsOf(value: unknown): {guid: string; name: string} {
  const fields = (value ?? {}) as Record<string, unknown>
  return {guid: stringField(fields, 'GUID'), name: stringField(fields, 'Name')}
}
