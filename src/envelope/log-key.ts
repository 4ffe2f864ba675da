import type {LogMessage} from './types.js'

/**
 * What makes two log messages the same line (timestamp, source, instance and text), in a few dozen
 * characters whatever the message's length: the exact timestamp and two independent 32-bit hashes
 * of the rest. Sets of these stay small in memory, and two different lines of one timestamp agree
 * on both hashes about once in 2^64.
 */
export function logKey(log: LogMessage): string {
  let fnv = 0x81_1c_9d_c5 | 0
  let mix = 0x9e_37_79_b9 | 0
  const add = (byte: number): void => {
    fnv = Math.imul(fnv ^ byte, 0x01_00_01_93)
    mix = Math.imul(mix ^ byte, 0x5b_d1_e9_95) ^ (mix >>> 15)
  }

  const addText = (text: string | undefined): void => {
    const value = text ?? ''
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i)
      add(code & 0xff)
      add(code >>> 8)
    }

    add(0xff)
  }

  addText(log.sourceType)
  addText(log.sourceInstance)
  const message = log.message ?? new Uint8Array(0)
  for (let i = 0; i < message.length; i++) add(message[i])
  return `${log.timestamp ?? 0n}:${(fnv >>> 0).toString(36)}:${(mix >>> 0).toString(36)}:${message.length}`
}
