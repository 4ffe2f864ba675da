import type {ReadGate} from '../../src/stream/read-gate.js'

/** A read gate a test opens and closes by hand, counting who listens. */
export class ManualReadGate implements ReadGate {
  private readonly listeners = new Set<(paused: boolean) => void>()

  constructor(public paused = false) {}

  get listenerCount(): number {
    return this.listeners.size
  }

  onChange(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  set(paused: boolean): void {
    this.paused = paused
    for (const listener of this.listeners) listener(paused)
  }
}
