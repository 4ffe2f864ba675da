import type WebSocket from 'ws'

/** Whether the consumer wants the socket read; owned by whoever consumes the frames. */
export interface ReadGate {
  readonly paused: boolean
  /** Called with the new state on every change; returns the unsubscribe. */
  onChange(listener: (paused: boolean) => void): () => void
}

/**
 * Makes a socket that has just opened follow the gate until it closes. While paused ws reads
 * nothing from TCP, so TCP pushes back on the server; frames ws had already parsed still arrive
 * (STACK.md). Call it from the 'open' event: the frames that came with the upgrade answer are read
 * only after it.
 */
export function followReadGate(socket: WebSocket, gate: ReadGate): void {
  if (gate.paused) socket.pause()
  const unsubscribe = gate.onChange((paused) => (paused ? socket.pause() : socket.resume()))
  socket.once('close', unsubscribe)
}
