import type {Envelope} from '../envelope/model.js'
import type {DemoEvent, Story} from './story.js'
import {msToNs} from './story.js'

interface Pending {
  atMs: number
  event: DemoEvent
  story: Story
}

export interface PlayerOptions {
  /** How far back the stories begin: what Log Cache holds when the demo starts. */
  historyMs: number
  now?: () => number
}

/**
 * Plays the demo's stories on one timeline. The past (`historyMs` up to now) is played at once, so
 * `--recent` has something to show; the rest waits for `startLive()` (the first client of the
 * Traffic Controller), from when each story goes on as long after that moment as its next event
 * was due after the start. A viewer thus sees the same story every run, whenever it connects, and
 * events of all stories always come in the order of their times, however late a timer fires.
 */
export class StoryPlayer {
  private readonly pending: Pending[] = []
  private readonly startMs: number
  private readonly now: () => number
  private live = false
  private timer?: NodeJS.Timeout

  constructor(
    stories: readonly Story[],
    private readonly publish: (envelope: Envelope) => void,
    options: PlayerOptions,
  ) {
    this.now = options.now ?? Date.now
    this.startMs = this.now()
    for (const story of stories) this.pending.push(nextOf(story, this.startMs - options.historyMs))
  }

  /** Sends everything due up to the start, oldest first. */
  playHistory(): void {
    this.playUntil(this.startMs)
  }

  startLive(): void {
    if (this.live) return
    this.live = true
    const shiftMs = Math.max(0, this.now() - this.startMs)
    for (const pending of this.pending) pending.atMs += shiftMs
    this.schedule()
  }

  stop(): void {
    clearTimeout(this.timer)
    this.pending.length = 0
  }

  private playUntil(untilMs: number): void {
    for (;;) {
      const next = this.earliest()
      if (!next || next.atMs > untilMs) return
      const slot = this.pending.indexOf(next)
      this.pending[slot] = nextOf(next.story, next.atMs)
      for (const envelope of next.event.envelopes(msToNs(next.atMs))) this.publish(envelope)
    }
  }

  private schedule(): void {
    const next = this.earliest()
    if (!next) return
    this.timer = setTimeout(
      () => {
        this.playUntil(this.now())
        this.schedule()
      },
      Math.max(0, next.atMs - this.now()),
    )
  }

  // Each story keeps its slot, and the first of the earliest wins: a tie goes the same way every run.
  private earliest(): Pending | undefined {
    let first: Pending | undefined
    for (const pending of this.pending) if (!first || pending.atMs < first.atMs) first = pending
    return first
  }
}

function nextOf(story: Story, fromMs: number): Pending {
  const {value: event} = story.next()
  return {atMs: fromMs + event.afterMs, event, story}
}
