import type WebSocket from 'ws'

/** The Traffic Controller pings every 15 s (loggregator's keep-alive); a quiet app sends nothing else. */
export const SERVER_PING_INTERVAL_MS = 15_000

// Our pings go out this many times per idle timeout, so one lost pong does not make a live
// connection look idle.
const PINGS_PER_TIMEOUT = 3

/**
 * Keeps an idle timeout shorter than two of the server's ping intervals from calling a quiet but live
 * connection dead: cfws pings itself and the server's pong counts as a sign of life. Longer timeouts
 * rely on the server's pings alone, as before. Returns the stop.
 */
export function keepAliveWithPings(
  socket: WebSocket,
  idleTimeoutMs: number,
  activity: {events: number; received: number},
): () => void {
  if (idleTimeoutMs >= 2 * SERVER_PING_INTERVAL_MS) return () => {}
  const onPong = (): void => {
    activity.events++
    activity.received++
  }
  socket.on('pong', onPong)
  const timer = setInterval(() => {
    if (socket.readyState === socket.OPEN) socket.ping()
  }, idleTimeoutMs / PINGS_PER_TIMEOUT)
  return () => {
    clearInterval(timer)
    socket.off('pong', onPong)
  }
}
