import {readFileSync} from 'node:fs'

const SAMPLE_MS = 20

/**
 * Follows a process's peak resident set (VmHWM, which the kernel keeps as a high-water mark, so a
 * sample only has to come late enough): `stop()` gives the last value read, in bytes.
 */
export function watchPeakRss(pid: number): {stop(): number} {
  let peakBytes = 0
  const sample = (): void => {
    try {
      const kib = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
      if (kib) peakBytes = kib * 1024
    } catch {} // it exited between two samples
  }

  const timer = setInterval(sample, SAMPLE_MS)
  return {
    stop() {
      clearInterval(timer)
      return peakBytes
    },
  }
}
