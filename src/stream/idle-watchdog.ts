import {MAX_TIMER_DELAY_MS} from '../timers/long-sleep.js'

// Silence is looked for this many times per idle timeout: a connection is called idle between 1 and
// 1.25 timeouts after its last sign of life.
const IDLE_CHECKS = 4

export interface IdleWatch {
  /**
   * Counted up by whoever sees a sign of life (a frame, a ping, the read gate changing). Counting
   * beats reading the clock per frame, which costs 1 % of a firehose.
   */
  activity: {events: number}
  idleTimeoutMs: number
  /** True while the consumer holds reading back: no frame or ping can arrive then, so it is no silence. */
  paused: () => boolean
  onIdle: () => void
}

/**
 * Calls `onIdle` once nothing happened for `idleTimeoutMs` (whatever its size); returns the stop.
 * Silence is counted only while cfws could have heard something: a check that runs late (the
 * process was stopped with Ctrl-Z, the machine slept, the event loop was blocked by a terminal
 * that took no output, Ctrl-S) does not count the time it was late. Its timer runs before the
 * socket is read again, and what the server sent meanwhile waits unread in the socket.
 */
export function watchIdle(watch: IdleWatch): () => void {
  const {activity, idleTimeoutMs} = watch
  let seenEvents = activity.events
  // The monotonic clock: the wall clock set back (NTP, a restored VM, `date -s`) would make a dead
  // connection look alive for as long as it went back, and set forward, a live one look dead.
  let activeAtMs = performance.now()
  const arm = (delayMs: number): NodeJS.Timeout => {
    const waitMs = timerDelay(delayMs)
    dueAtMs = performance.now() + waitMs
    return setTimeout(check, waitMs)
  }

  const check = (): void => {
    const nowMs = performance.now()
    // A timer may fire a little late on a busy loop; this much later, cfws could not read at all.
    const lateMs = nowMs - dueAtMs
    if (lateMs > idleTimeoutMs / IDLE_CHECKS) activeAtMs += lateMs
    if (activity.events !== seenEvents || watch.paused()) {
      seenEvents = activity.events
      activeAtMs = nowMs
    } else if (nowMs - activeAtMs >= idleTimeoutMs) {
      watch.onIdle()
      return
    }

    timer = arm(Math.min(idleTimeoutMs / IDLE_CHECKS, activeAtMs + idleTimeoutMs - nowMs))
  }

  let dueAtMs = 0
  let timer = arm(idleTimeoutMs / IDLE_CHECKS)
  return () => clearTimeout(timer)
}

function timerDelay(ms: number): number {
  // Node runs a timer set beyond 2^31−1 ms (~24.8 days) after 1 ms, with a warning: re-check sooner.
  return Math.min(ms, MAX_TIMER_DELAY_MS)
}
