import {EVENT_TYPES, MESSAGE_TYPES} from './types.js'

function invert(table: Record<string, number>): Map<number, string> {
  return new Map(Object.entries(table).map(([name, value]) => [value, name]))
}

const EVENT_TYPE_NAMES = invert(EVENT_TYPES)
const MESSAGE_TYPE_NAMES = invert(MESSAGE_TYPES)
const PEER_TYPE_NAMES = invert({Client: 1, Server: 2})
// dropsonde-protocol events/http.proto, Method.
const METHOD_NAMES = new Map(
  'GET POST PUT DELETE HEAD ACL BASELINE_CONTROL BIND CHECKIN CHECKOUT CONNECT COPY DEBUG LABEL LINK LOCK MERGE MKACTIVITY MKCALENDAR MKCOL MKREDIRECTREF MKWORKSPACE MOVE OPTIONS ORDERPATCH PATCH PRI PROPFIND PROPPATCH REBIND REPORT SEARCH SHOWMETHOD SPACEJUMP TEXTSEARCH TRACE TRACK UNBIND UNCHECKOUT UNLINK UNLOCK UPDATE UPDATEREDIRECTREF VERSION_CONTROL'
    .split(' ')
    .map((name, i) => [i + 1, name]),
)

/** Enum values by name, as `cf nozzle` and the proto JSON mapping show them; an unknown value stays a number. */
export const enumName = {
  eventType: (value: number): string | number => EVENT_TYPE_NAMES.get(value) ?? value,
  messageType: (value: number): string | number => MESSAGE_TYPE_NAMES.get(value) ?? value,
  peerType: (value: number): string | number => PEER_TYPE_NAMES.get(value) ?? value,
  method: (value: number): string | number => METHOD_NAMES.get(value) ?? value,
}

/** The 16 bytes in string order, each 8-byte half little-endian (PROTOCOL.md §6) → `8-4-4-4-12`. */
export function formatUuid(low: bigint = 0n, high: bigint = 0n): string {
  const bytes = Buffer.alloc(16)
  bytes.writeBigUInt64LE(BigInt.asUintN(64, low), 0)
  bytes.writeBigUInt64LE(BigInt.asUintN(64, high), 8)
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
