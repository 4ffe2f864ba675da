import {readFileSync} from 'node:fs'

const SAMPLE_MS = 20
// The kernel counts a process's CPU time in ticks of USER_HZ, 100 a second on every Linux ABI.
const TICKS_PER_SECOND = 100

/**
 * Follows a process's CPU time, user and system, all its threads (the garbage collector's too):
 * `stop()` gives the last value read, in seconds, which trails the exit by at most one sample.
 */
export function watchCpuTime(pid: number): {stop(): number} {
  let ticks = 0
  const sample = (): void => {
    try {
      // The fields after the command name, which is in parentheses and may hold spaces.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
      ticks = Number(fields[11]) + Number(fields[12])
    } catch {} // it exited between two samples
  }

  const timer = setInterval(sample, SAMPLE_MS)
  return {
    stop() {
      clearInterval(timer)
      return ticks / TICKS_PER_SECOND
    },
  }
}
