import {strict as assert} from 'node:assert'

import {type AppStreamsOptions, type SpaceApp, tailApps} from '../../../src/cli/app-streams.js'

const app = (name: string, guid = `guid-${name}`): SpaceApp => ({name, guid})

/**
 * Streams that only record when they start and stop, and a discovery that answers from a list the
 * test gives, one answer per call; `events` is everything in the order it happened.
 */
function harness(answers: Array<SpaceApp[] | Error>, options: Partial<AppStreamsOptions> = {}) {
  const events: string[] = []
  const run = new AbortController()
  const streams = new Map<string, {fail: (error: Error) => void}>()
  let discoveries = 0
  let discovered: () => void = () => {}
  const done = tailApps([app('web'), app('worker')], {
    refreshMs: 1,
    signal: run.signal,
    async tail(tailed, signal) {
      events.push(`start ${tailed.name}`)
      await new Promise<void>((resolve, reject) => {
        streams.set(tailed.name, {fail: reject})
        signal.addEventListener('abort', () => resolve(), {once: true})
      })
      events.push(`stop ${tailed.name}`)
    },
    async discover() {
      const answer = answers[discoveries++] ?? answers.at(-1)!
      // Told after this call's changes are made: the loop goes on synchronously until its next sleep.
      setImmediate(discovered)
      if (answer instanceof Error) throw answer
      return answer
    },
    onAdded: (added) => events.push(`+ ${added.name}`),
    onRemoved: (removed) => events.push(`- ${removed.name}`),
    onDiscoverFailed: (error) => events.push(`failed: ${(error as Error).message}`),
    endsOnlyItsStream: (error) => (error as Error).message === 'app gone',
    onStreamEnded: (ended, error) => events.push(`ended ${ended.name}: ${(error as Error).message}`),
    ...options,
  })
  const discoveriesDone = async (count: number): Promise<void> => {
    while (discoveries < count) await new Promise<void>((resolve) => (discovered = resolve))
    await new Promise<void>((resolve) => (discovered = resolve))
  }

  return {events, run, streams, done, discoveriesDone}
}

/** Tails `initial` without discovery, aborts the run at once; what started, once every stream ended. */
async function tailFixedSetUntilAborted(initial: SpaceApp[]): Promise<string[]> {
  const events: string[] = []
  const run = new AbortController()
  const done = tailApps(initial, {
    refreshMs: 1,
    signal: run.signal,
    async tail(tailed, signal) {
      events.push(`start ${tailed.name}`)
      await new Promise((resolve) => signal.addEventListener('abort', resolve, {once: true}))
    },
    onAdded: () => assert.fail('no discovery'),
    onRemoved: () => assert.fail('no discovery'),
    onDiscoverFailed: () => assert.fail('no discovery'),
    endsOnlyItsStream: () => true,
    onStreamEnded: () => assert.fail('no discovery'),
  })
  run.abort()
  await done
  return events
}

describe('tailApps', () => {
  it('tails a fixed set until the run ends, and asks no discovery', async () => {
    assert.deepEqual(await tailFixedSetUntilAborted([app('web'), app('worker')]), ['start web', 'start worker'])
  })

  it('tails an app listed twice once, and ends that stream with the run', async () => {
    assert.deepEqual(await tailFixedSetUntilAborted([app('web'), app('web')]), ['start web'])
  })

  it('starts a stream for an app that appears and closes the one of an app that went', async () => {
    const {events, run, done, discoveriesDone} = harness([
      [app('web'), app('worker')],
      [app('api'), app('web')],
      [app('api'), app('web')],
    ])
    await discoveriesDone(3)
    run.abort()
    await done
    assert.deepEqual(events, [
      'start web',
      'start worker',
      '- worker',
      'start api',
      '+ api',
      'stop worker',
      'stop web',
      'stop api',
    ])
  })

  it('takes a renamed app, or one made again under the same name, for another app', async () => {
    const {events, run, done, discoveriesDone} = harness([[app('web-v2', 'guid-web'), app('worker', 'guid-new')]])
    await discoveriesDone(1)
    run.abort()
    await done
    assert.deepEqual(events.slice(0, 4), ['start web', 'start worker', '- web', '- worker'])
    assert.deepEqual(events.slice(4).sort(), [
      '+ web-v2',
      '+ worker',
      'start web-v2',
      'start worker',
      'stop web',
      'stop web-v2',
      'stop worker',
      'stop worker',
    ])
  })

  it('keeps the streams as they are when a discovery fails, and tries again', async () => {
    const {events, run, done, discoveriesDone} = harness([new Error('CC down'), [app('web')]])
    await discoveriesDone(2)
    run.abort()
    await done
    assert.deepEqual(events, ['start web', 'start worker', 'failed: CC down', '- worker', 'stop worker', 'stop web'])
  })

  it('ends only the stream of an app whose failure is its own, and starts it again when a later look finds it', async () => {
    const {events, streams, run, done, discoveriesDone} = harness([[app('web'), app('worker')]])
    await new Promise<void>((resolve) => setImmediate(resolve))
    streams.get('worker')!.fail(new Error('app gone'))
    await discoveriesDone(1)
    run.abort()
    await done
    assert.deepEqual(events, [
      'start web',
      'start worker',
      'ended worker: app gone',
      'start worker',
      '+ worker',
      'stop web',
      'stop worker',
    ])
  })

  it('ends every stream and rejects with the first final error', async () => {
    const {events, streams, done} = harness([[app('web'), app('worker')]])
    await new Promise<void>((resolve) => setImmediate(resolve))
    streams.get('worker')!.fail(new Error('refused'))
    await assert.rejects(done, /refused/)
    assert.deepEqual(events, ['start web', 'start worker', 'stop web'])
  })
})
