import {EVENT_TYPES, MESSAGE_TYPES} from './types.js'

/**
 * The fields of each dropsonde message in `.proto` declaration order, with their `.proto` names and
 * numbers (dropsonde-protocol `events/*.proto`, PROTOCOL.md §6): what the frame scanner reads and
 * both firehose renderers walk, so text and JSON cannot disagree on names or order.
 */

/**
 * How a field is read and written: the scalar types cfws meets, a UUID, a repeated string, the
 * string map `tags`, a nested message. Numbers, so the scanner's and renderers' switches stay small.
 */
export const Kind = {
  String: 0,
  Bytes: 1,
  Int32: 2,
  Int64: 3,
  Uint64: 4,
  Double: 5,
  Uuid: 6,
  Strings: 7,
  Tags: 8,
  Message: 9,
} as const
export type Kind = (typeof Kind)[keyof typeof Kind]

export interface Field {
  name: string
  number: number
  kind: Kind
  /** Names of an enum's values, by value; an unknown value is printed as its number. */
  enumNames?: ReadonlyMap<number, string>
  /** The nested message's fields, for Kind.Message. */
  fields?: readonly Field[]
}

function names(table: Record<string, number>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([name, value]) => [value, name]))
}

// dropsonde-protocol events/http.proto, Method.
const METHOD_NAMES = new Map(
  'GET POST PUT DELETE HEAD ACL BASELINE_CONTROL BIND CHECKIN CHECKOUT CONNECT COPY DEBUG LABEL LINK LOCK MERGE MKACTIVITY MKCALENDAR MKCOL MKREDIRECTREF MKWORKSPACE MOVE OPTIONS ORDERPATCH PATCH PRI PROPFIND PROPPATCH REBIND REPORT SEARCH SHOWMETHOD SPACEJUMP TEXTSEARCH TRACE TRACK UNBIND UNCHECKOUT UNLINK UNLOCK UPDATE UPDATEREDIRECTREF VERSION_CONTROL'
    .split(' ')
    .map((name, i) => [i + 1, name]),
)

export const LOG_MESSAGE_FIELDS: readonly Field[] = [
  {name: 'message', number: 1, kind: Kind.Bytes},
  {name: 'message_type', number: 2, kind: Kind.Int32, enumNames: names(MESSAGE_TYPES)},
  {name: 'timestamp', number: 3, kind: Kind.Int64},
  {name: 'app_id', number: 4, kind: Kind.String},
  {name: 'source_type', number: 5, kind: Kind.String},
  {name: 'source_instance', number: 6, kind: Kind.String},
]

const VALUE_METRIC: readonly Field[] = [
  {name: 'name', number: 1, kind: Kind.String},
  {name: 'value', number: 2, kind: Kind.Double},
  {name: 'unit', number: 3, kind: Kind.String},
]

const COUNTER_EVENT: readonly Field[] = [
  {name: 'name', number: 1, kind: Kind.String},
  {name: 'delta', number: 2, kind: Kind.Uint64},
  {name: 'total', number: 3, kind: Kind.Uint64},
]

const CONTAINER_METRIC: readonly Field[] = [
  {name: 'applicationId', number: 1, kind: Kind.String},
  {name: 'instanceIndex', number: 2, kind: Kind.Int32},
  {name: 'cpuPercentage', number: 3, kind: Kind.Double},
  {name: 'memoryBytes', number: 4, kind: Kind.Uint64},
  {name: 'diskBytes', number: 5, kind: Kind.Uint64},
  {name: 'memoryBytesQuota', number: 6, kind: Kind.Uint64},
  {name: 'diskBytesQuota', number: 7, kind: Kind.Uint64},
]

const HTTP_START_STOP: readonly Field[] = [
  {name: 'startTimestamp', number: 1, kind: Kind.Int64},
  {name: 'stopTimestamp', number: 2, kind: Kind.Int64},
  {name: 'requestId', number: 3, kind: Kind.Uuid},
  {name: 'peerType', number: 4, kind: Kind.Int32, enumNames: names({Client: 1, Server: 2})},
  {name: 'method', number: 5, kind: Kind.Int32, enumNames: METHOD_NAMES},
  {name: 'uri', number: 6, kind: Kind.String},
  {name: 'remoteAddress', number: 7, kind: Kind.String},
  {name: 'userAgent', number: 8, kind: Kind.String},
  {name: 'statusCode', number: 9, kind: Kind.Int32},
  {name: 'contentLength', number: 10, kind: Kind.Int64},
  {name: 'applicationId', number: 12, kind: Kind.Uuid},
  {name: 'instanceIndex', number: 13, kind: Kind.Int32},
  {name: 'instanceId', number: 14, kind: Kind.String},
  {name: 'forwarded', number: 15, kind: Kind.Strings},
]

const ERROR: readonly Field[] = [
  {name: 'source', number: 1, kind: Kind.String},
  {name: 'code', number: 2, kind: Kind.Int32},
  {name: 'message', number: 3, kind: Kind.String},
]

/** The halves of a dropsonde UUID (uuid.proto). */
export const UUID_FIELDS: readonly Field[] = [
  {name: 'low', number: 1, kind: Kind.Uint64},
  {name: 'high', number: 2, kind: Kind.Uint64},
]

export const LOG_MESSAGE_FIELD: Field = {name: 'logMessage', number: 8, kind: Kind.Message, fields: LOG_MESSAGE_FIELDS}

export const ENVELOPE_FIELDS: readonly Field[] = [
  {name: 'origin', number: 1, kind: Kind.String},
  {name: 'eventType', number: 2, kind: Kind.Int32, enumNames: names(EVENT_TYPES)},
  {name: 'timestamp', number: 6, kind: Kind.Int64},
  {name: 'deployment', number: 13, kind: Kind.String},
  {name: 'job', number: 14, kind: Kind.String},
  {name: 'index', number: 15, kind: Kind.String},
  {name: 'ip', number: 16, kind: Kind.String},
  {name: 'tags', number: 17, kind: Kind.Tags},
  {name: 'httpStartStop', number: 7, kind: Kind.Message, fields: HTTP_START_STOP},
  LOG_MESSAGE_FIELD,
  {name: 'valueMetric', number: 9, kind: Kind.Message, fields: VALUE_METRIC},
  {name: 'counterEvent', number: 10, kind: Kind.Message, fields: COUNTER_EVENT},
  {name: 'error', number: 11, kind: Kind.Message, fields: ERROR},
  {name: 'containerMetric', number: 12, kind: Kind.Message, fields: CONTAINER_METRIC},
]

/**
 * The index of the field called `name` in `fields`, which is where a scan keeps it: renderers and
 * decoders name the fields they read. Throws on a name the schema does not have, as the module loads.
 */
export function fieldIndex(fields: readonly Field[], name: string): number {
  const index = fields.findIndex((field) => field.name === name)
  if (index < 0) throw new Error(`no field ${name} in ${fields.map((field) => field.name).join(', ')}`)
  return index
}
