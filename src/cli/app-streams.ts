import type {SpaceApp} from '../cf/space-apps.js'
import {sleepUnlessAborted} from '../timers/long-sleep.js'

export type {SpaceApp} from '../cf/space-apps.js'

export interface AppStreamsOptions {
  /** Streams one app until `signal` aborts (the app is gone, or the run ends); rejects with a final error. */
  tail: (app: SpaceApp, signal: AbortSignal) => Promise<void>
  /** `--all`, `--app-regex`: the apps to tail now, asked every `refreshMs`; without it the set stays as it started. */
  discover?: () => Promise<SpaceApp[]>
  refreshMs: number
  /** The run's end: every stream and the discovery stop. */
  signal: AbortSignal
  /** An app found after the start (stern's `+ app`), once its stream is starting. */
  onAdded: (app: SpaceApp) => void
  /** An app no longer found (stern's `- app`), once its stream is closing. */
  onRemoved: (app: SpaceApp) => void
  /** A discovery that failed: the streams go on as they are, and the next one tries again. */
  onDiscoverFailed: (error: unknown) => void
  /**
   * With discovery, a stream failure that is the app's own (it went away between two looks) or
   * passing (a first connect cut short): that stream alone ends, and the next look may start it
   * again. Any other failure ends the run.
   */
  endsOnlyItsStream: (error: unknown) => boolean
  /** Such a stream's end, told once it ended. */
  onStreamEnded: (app: SpaceApp, error: unknown) => void
}

interface Running {
  app: SpaceApp
  stop: AbortController
}

/**
 * Tails a set of apps, one stream each, and keeps the set as discovery finds it: a new app gets a
 * stream, a gone one (deleted, renamed, or no longer matching) has its stream closed. A stream's
 * final error ends every stream, and is what this rejects with once they all ended; with
 * discovery, but for one that ends only its own stream (`endsOnlyItsStream`).
 */
export async function tailApps(initial: readonly SpaceApp[], options: AppStreamsOptions): Promise<void> {
  const failed = new AbortController()
  const signal = AbortSignal.any([options.signal, failed.signal])
  const running = new Map<string, Running>()
  const ending = new Set<Promise<void>>()
  let failure: {error: unknown} | undefined
  // One listener ends every stream. A signal made for each app with AbortSignal.any would leave
  // an entry in the run's signal for every app ever started (Node 20 and 22), however long gone.
  signal.addEventListener('abort', () => {
    for (const {stop} of running.values()) stop.abort(signal.reason)
  })

  const start = (app: SpaceApp): void => {
    // An app listed twice (the Cloud Controller's pages of a space that changes while they are
    // read) is tailed once: a second stream would print its lines twice, and the run's end would
    // no longer reach the first, whose controller `running` no longer holds.
    if (running.has(appIdentity(app))) return
    const stop = new AbortController()
    if (signal.aborted) stop.abort(signal.reason)
    running.set(appIdentity(app), {app, stop})
    const done: Promise<void> = options.tail(app, stop.signal).then(
      () => void ending.delete(done),
      (error: unknown) => {
        ending.delete(done)
        if (options.discover && !signal.aborted && options.endsOnlyItsStream(error)) {
          if (running.get(appIdentity(app))?.stop === stop) running.delete(appIdentity(app))
          options.onStreamEnded(app, error)
          return
        }

        failure ??= {error}
        failed.abort()
      },
    )
    ending.add(done)
  }

  for (const app of initial) start(app)
  if (options.discover) {
    while (await sleepUnlessAborted(options.refreshMs, signal)) {
      let found: SpaceApp[]
      try {
        found = await options.discover()
      } catch (error) {
        if (signal.aborted) break
        options.onDiscoverFailed(error)
        continue
      }

      if (signal.aborted) break
      const {added, removed} = compareApps(running, found)
      for (const gone of removed) {
        running.get(appIdentity(gone))!.stop.abort()
        running.delete(appIdentity(gone))
        options.onRemoved(gone)
      }

      for (const app of added) {
        start(app)
        options.onAdded(app)
      }
    }
  }

  while (ending.size > 0) await Promise.all(ending)
  if (failure) throw failure.error
}

/** A renamed app is another app to the output (its prefix): the name is part of who it is. */
export function appIdentity(app: SpaceApp): string {
  return `${app.guid} ${app.name}`
}

/** What changed between the apps tailed and the apps found, each list by name. */
function compareApps(
  running: ReadonlyMap<string, Running>,
  found: readonly SpaceApp[],
): {added: SpaceApp[]; removed: SpaceApp[]} {
  const foundById = new Map(found.map((app) => [appIdentity(app), app]))
  const removed = [...running.values()].map(({app}) => app).filter((app) => !foundById.has(appIdentity(app)))
  const added = [...foundById].filter(([id]) => !running.has(id)).map(([, app]) => app)
  return {added: added.sort(byName), removed: removed.sort(byName)}
}

function byName(a: SpaceApp, b: SpaceApp): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}
