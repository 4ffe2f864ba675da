import {encodeEnvelope} from '../../src/envelope/encode.js'
import type {LogMessage} from '../../src/envelope/model.js'

/** A frame with a field no dropsonde version has, first: a newer server's envelope. */
export function withUnknownField(frame: Uint8Array): Uint8Array {
  const value = Buffer.from('from a newer dropsonde')
  return Buffer.concat([Buffer.from([0x9a, 0x06, value.length]), value, frame])
}

export const APP_GUID = '6d4f2e4a-1c2b-4e5f-9a8b-7c6d5e4f3a2b'

/** 2025-11-24T09:46:47.123456789Z */
export const T0 = 1_763_977_607_123_456_789n

/** An app log envelope as the Traffic Controller sends it (converted from v2, PROTOCOL.md §6). */
export function logEnvelope(message: string | Uint8Array, options: Partial<LogMessage> = {}): Uint8Array {
  return encodeEnvelope({
    origin: 'rep',
    eventType: 5,
    timestamp: options.timestamp ?? T0,
    deployment: 'cf',
    job: 'diego-cell',
    index: '0',
    ip: '10.0.16.5',
    tags: new Map([['source_id', APP_GUID]]),
    logMessage: {
      message: typeof message === 'string' ? Buffer.from(message) : message,
      messageType: 1,
      timestamp: T0,
      appId: APP_GUID,
      sourceType: 'APP/PROC/WEB',
      sourceInstance: '0',
      ...options,
    },
  })
}
