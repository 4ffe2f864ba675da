import {EVENT_TYPES, MESSAGE_TYPES} from './types.js'

/**
 * The fields of each dropsonde message in `.proto` declaration order, with their `.proto` names and
 * numbers (dropsonde-protocol `events/*.proto`, PROTOCOL.md §6): what the frame scanner reads and
 * both firehose renderers walk, so text and JSON cannot disagree on names or order.
 */
export type FieldKind = 'string' | 'bytes' | 'int32' | 'int64' | 'uint64' | 'double' | 'uuid' | 'strings' | 'tags' | 'message'

export interface Field {
  name: string
  number: number
  kind: FieldKind
  /** Names of an enum's values, by value; an unknown value is printed as its number. */
  enumNames?: ReadonlyMap<number, string>
  /** The nested message's fields, for kind `message`. */
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
  {name: 'message', number: 1, kind: 'bytes'},
  {name: 'message_type', number: 2, kind: 'int32', enumNames: names(MESSAGE_TYPES)},
  {name: 'timestamp', number: 3, kind: 'int64'},
  {name: 'app_id', number: 4, kind: 'string'},
  {name: 'source_type', number: 5, kind: 'string'},
  {name: 'source_instance', number: 6, kind: 'string'},
]

const VALUE_METRIC: readonly Field[] = [
  {name: 'name', number: 1, kind: 'string'},
  {name: 'value', number: 2, kind: 'double'},
  {name: 'unit', number: 3, kind: 'string'},
]

const COUNTER_EVENT: readonly Field[] = [
  {name: 'name', number: 1, kind: 'string'},
  {name: 'delta', number: 2, kind: 'uint64'},
  {name: 'total', number: 3, kind: 'uint64'},
]

const CONTAINER_METRIC: readonly Field[] = [
  {name: 'applicationId', number: 1, kind: 'string'},
  {name: 'instanceIndex', number: 2, kind: 'int32'},
  {name: 'cpuPercentage', number: 3, kind: 'double'},
  {name: 'memoryBytes', number: 4, kind: 'uint64'},
  {name: 'diskBytes', number: 5, kind: 'uint64'},
  {name: 'memoryBytesQuota', number: 6, kind: 'uint64'},
  {name: 'diskBytesQuota', number: 7, kind: 'uint64'},
]

const HTTP_START_STOP: readonly Field[] = [
  {name: 'startTimestamp', number: 1, kind: 'int64'},
  {name: 'stopTimestamp', number: 2, kind: 'int64'},
  {name: 'requestId', number: 3, kind: 'uuid'},
  {name: 'peerType', number: 4, kind: 'int32', enumNames: names({Client: 1, Server: 2})},
  {name: 'method', number: 5, kind: 'int32', enumNames: METHOD_NAMES},
  {name: 'uri', number: 6, kind: 'string'},
  {name: 'remoteAddress', number: 7, kind: 'string'},
  {name: 'userAgent', number: 8, kind: 'string'},
  {name: 'statusCode', number: 9, kind: 'int32'},
  {name: 'contentLength', number: 10, kind: 'int64'},
  {name: 'applicationId', number: 12, kind: 'uuid'},
  {name: 'instanceIndex', number: 13, kind: 'int32'},
  {name: 'instanceId', number: 14, kind: 'string'},
  {name: 'forwarded', number: 15, kind: 'strings'},
]

const ERROR: readonly Field[] = [
  {name: 'source', number: 1, kind: 'string'},
  {name: 'code', number: 2, kind: 'int32'},
  {name: 'message', number: 3, kind: 'string'},
]

/** The halves of a dropsonde UUID (uuid.proto). */
export const UUID_FIELDS: readonly Field[] = [
  {name: 'low', number: 1, kind: 'uint64'},
  {name: 'high', number: 2, kind: 'uint64'},
]

export const EVENT_TYPE_FIELD: Field = {name: 'eventType', number: 2, kind: 'int32', enumNames: names(EVENT_TYPES)}
export const LOG_MESSAGE_FIELD: Field = {name: 'logMessage', number: 8, kind: 'message', fields: LOG_MESSAGE_FIELDS}

export const ENVELOPE_FIELDS: readonly Field[] = [
  {name: 'origin', number: 1, kind: 'string'},
  EVENT_TYPE_FIELD,
  {name: 'timestamp', number: 6, kind: 'int64'},
  {name: 'deployment', number: 13, kind: 'string'},
  {name: 'job', number: 14, kind: 'string'},
  {name: 'index', number: 15, kind: 'string'},
  {name: 'ip', number: 16, kind: 'string'},
  {name: 'tags', number: 17, kind: 'tags'},
  {name: 'httpStartStop', number: 7, kind: 'message', fields: HTTP_START_STOP},
  LOG_MESSAGE_FIELD,
  {name: 'valueMetric', number: 9, kind: 'message', fields: VALUE_METRIC},
  {name: 'counterEvent', number: 10, kind: 'message', fields: COUNTER_EVENT},
  {name: 'error', number: 11, kind: 'message', fields: ERROR},
  {name: 'containerMetric', number: 12, kind: 'message', fields: CONTAINER_METRIC},
]
