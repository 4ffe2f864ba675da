import {strict as assert} from 'node:assert'

import type {Envelope} from '../../../src/envelope/model.js'
import {StoryPlayer} from '../../../src/demo/player.js'
import type {Story} from '../../../src/demo/story.js'

/** A story of events `stepMs` apart, each one envelope whose origin names it. */
function* ticking(name: string, stepMs: number): Story {
  for (let i = 0; ; i++) yield {afterMs: stepMs, envelopes: (atNs) => [{origin: `${name}${i}`, timestamp: atNs}]}
}

describe('StoryPlayer', () => {
  let player: StoryPlayer | undefined
  afterEach(() => player?.stop())

  it('plays the history at once, oldest first across stories, a tie to the story given first', () => {
    const played: Envelope[] = []
    player = new StoryPlayer([ticking('a', 30), ticking('b', 20)], (envelope) => played.push(envelope), {
      historyMs: 60,
      now: () => 1000,
    })
    assert.equal(played.length, 0, 'nothing before playHistory')
    player.playHistory()
    // a at 970, 1000; b at 960, 980, 1000: the tie at 1000 goes to a.
    assert.deepEqual(
      played.map((envelope) => [envelope.origin, envelope.timestamp]),
      [
        ['b0', 960_000_000n],
        ['a0', 970_000_000n],
        ['b1', 980_000_000n],
        ['a1', 1_000_000_000n],
        ['b2', 1_000_000_000n],
      ],
    )
  })

  it('goes on only from startLive, each story as long after it as its next event was due after the start', async () => {
    let nowMs = 1000
    const played: Array<[string | undefined, bigint | undefined]> = []
    let arrived: (() => void) | undefined
    player = new StoryPlayer(
      [ticking('a', 30)],
      (envelope) => {
        played.push([envelope.origin, envelope.timestamp])
        arrived?.()
      },
      {historyMs: 40, now: () => nowMs},
    )
    player.playHistory()
    assert.deepEqual(played, [['a0', 990_000_000n]])
    // The viewer comes 5 s later: the next event (due 20 ms after the start) comes 20 ms after that.
    nowMs = 6000
    player.startLive()
    player.startLive()
    nowMs = 6020
    await new Promise<void>((resolve) => (arrived = resolve))
    assert.deepEqual(played, [
      ['a0', 990_000_000n],
      ['a1', 6_020_000_000n],
    ])
  })

  it('gives each event its moment in nanoseconds, fractions of a millisecond included', () => {
    const played: Envelope[] = []
    const story = (function* (): Story {
      for (;;) yield {afterMs: 0.123456, envelopes: (atNs) => [{timestamp: atNs}]}
    })()
    player = new StoryPlayer([story], (envelope) => played.push(envelope), {historyMs: 0.2, now: () => 1000})
    player.playHistory()
    assert.deepEqual(
      played.map((envelope) => envelope.timestamp),
      [999_923_456n],
    )
  })
})
