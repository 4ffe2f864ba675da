import type {WindowClock} from '../../src/cli/order-window.js'

/** A clock the test moves: timers fire only when it passes their time. */
export class ManualClock implements WindowClock {
  private nowMs = 0
  private timers: Array<{atMs: number; callback: () => void; cancelled: boolean}> = []

  now(): number {
    return this.nowMs
  }

  after(delayMs: number, callback: () => void): {cancel(): void} {
    const timer = {atMs: this.nowMs + delayMs, callback, cancelled: false}
    this.timers.push(timer)
    return {cancel: () => (timer.cancelled = true)}
  }

  get pending(): number {
    return this.timers.filter((timer) => !timer.cancelled).length
  }

  advance(ms: number): void {
    this.nowMs += ms
    for (;;) {
      const due = this.timers.find((timer) => !timer.cancelled && timer.atMs <= this.nowMs)
      if (!due) return
      due.cancelled = true
      due.callback()
    }
  }
}
