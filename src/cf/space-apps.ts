import {NotFoundError} from '../errors.js'
import {type AppLookup, appsOfPages, type CloudControllerOptions, findAppGuid} from './cloud-controller.js'
import type {TokenHolder} from './tokens.js'

/** An app of the targeted space, as the Cloud Controller names it. */
export interface SpaceApp {
  name: string
  guid: string
}

// The Cloud Controller's largest page: a space's apps in one request, usually.
const PER_PAGE = '5000'

/**
 * The apps of a space (`--all`, `--app-regex`), or only those of `names`, page by page. `names=` is
 * a comma-separated list with no escape, so with a comma in a name every app is listed instead.
 */
export async function listSpaceApps(
  options: CloudControllerOptions,
  tokens: TokenHolder,
  space: AppLookup['space'],
  names?: readonly string[],
): Promise<SpaceApp[]> {
  const filter: Record<string, string> =
    names && !names.some((name) => name.includes(',')) ? {names: names.join(',')} : {}
  const path = `/v3/apps?${new URLSearchParams({...filter, per_page: PER_PAGE, space_guids: space.guid}).toString()}`
  const apps: SpaceApp[] = []
  for await (const app of appsOfPages(options, tokens, path, space.name, (name) => !names || names.includes(name)))
    apps.push(app)
  return apps
}

/**
 * The apps named, in the order given (each once), before any stream starts: names that are not in
 * the space are all told in one error (exit 5), not one per run.
 */
export async function findSpaceApps(
  options: CloudControllerOptions,
  tokens: TokenHolder,
  lookup: Omit<AppLookup, 'name'> & {names: readonly string[]},
): Promise<SpaceApp[]> {
  const names = [...new Set(lookup.names)]
  if (names.length === 1)
    return [{name: names[0], guid: await findAppGuid(options, tokens, {...lookup, name: names[0]})}]
  const found = new Map((await listSpaceApps(options, tokens, lookup.space, names)).map((app) => [app.name, app]))
  const missing = names.filter((name) => !found.has(name))
  if (missing.length > 0) {
    throw new NotFoundError(
      'APP_NOT_FOUND',
      `${missing.length === 1 ? 'App' : 'Apps'} ${missing.map((name) => `'${name}'`).join(', ')} not found in space ${lookup.space.name} of org ${lookup.org.name}`,
      {
        hint: "Check the names with 'cf apps', or target another space with 'cf target -s SPACE'.",
      },
    )
  }

  return names.map((name) => found.get(name)!)
}
