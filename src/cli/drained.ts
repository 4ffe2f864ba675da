/**
 * Resolves once everything written to `stream` so far is out (or the stream is gone). Writes
 * complete in order: an empty one's callback comes once everything before it is out. ('drain'
 * would not do: it comes only after a write that returned false.)
 */
export async function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return
  await new Promise<void>((resolve) => {
    stream.write('', () => resolve())
  })
}
