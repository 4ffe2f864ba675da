import {enumName} from './names.js'

/**
 * The fields of each dropsonde message in `.proto` declaration order with their `.proto` names
 * (dropsonde-protocol `events/*.proto`): what both firehose renderers walk, so text and JSON
 * cannot disagree on names or order.
 */
export type FieldKind = 'string' | 'bytes' | 'int32' | 'int64' | 'double' | 'uuid' | 'strings' | 'tags'

export type Field =
  | {name: string; key: string; kind: FieldKind; enumName?: (value: number) => string | number}
  | {name: string; key: string; kind: 'message'; fields: readonly Field[]}

const LOG_MESSAGE: readonly Field[] = [
  {name: 'message', key: 'message', kind: 'bytes'},
  {name: 'message_type', key: 'messageType', kind: 'int32', enumName: enumName.messageType},
  {name: 'timestamp', key: 'timestamp', kind: 'int64'},
  {name: 'app_id', key: 'appId', kind: 'string'},
  {name: 'source_type', key: 'sourceType', kind: 'string'},
  {name: 'source_instance', key: 'sourceInstance', kind: 'string'},
]

const VALUE_METRIC: readonly Field[] = [
  {name: 'name', key: 'name', kind: 'string'},
  {name: 'value', key: 'value', kind: 'double'},
  {name: 'unit', key: 'unit', kind: 'string'},
]

const COUNTER_EVENT: readonly Field[] = [
  {name: 'name', key: 'name', kind: 'string'},
  {name: 'delta', key: 'delta', kind: 'int64'},
  {name: 'total', key: 'total', kind: 'int64'},
]

const CONTAINER_METRIC: readonly Field[] = [
  {name: 'applicationId', key: 'applicationId', kind: 'string'},
  {name: 'instanceIndex', key: 'instanceIndex', kind: 'int32'},
  {name: 'cpuPercentage', key: 'cpuPercentage', kind: 'double'},
  {name: 'memoryBytes', key: 'memoryBytes', kind: 'int64'},
  {name: 'diskBytes', key: 'diskBytes', kind: 'int64'},
  {name: 'memoryBytesQuota', key: 'memoryBytesQuota', kind: 'int64'},
  {name: 'diskBytesQuota', key: 'diskBytesQuota', kind: 'int64'},
]

const HTTP_START_STOP: readonly Field[] = [
  {name: 'startTimestamp', key: 'startTimestamp', kind: 'int64'},
  {name: 'stopTimestamp', key: 'stopTimestamp', kind: 'int64'},
  {name: 'requestId', key: 'requestId', kind: 'uuid'},
  {name: 'peerType', key: 'peerType', kind: 'int32', enumName: enumName.peerType},
  {name: 'method', key: 'method', kind: 'int32', enumName: enumName.method},
  {name: 'uri', key: 'uri', kind: 'string'},
  {name: 'remoteAddress', key: 'remoteAddress', kind: 'string'},
  {name: 'userAgent', key: 'userAgent', kind: 'string'},
  {name: 'statusCode', key: 'statusCode', kind: 'int32'},
  {name: 'contentLength', key: 'contentLength', kind: 'int64'},
  {name: 'applicationId', key: 'applicationId', kind: 'uuid'},
  {name: 'instanceIndex', key: 'instanceIndex', kind: 'int32'},
  {name: 'instanceId', key: 'instanceId', kind: 'string'},
  {name: 'forwarded', key: 'forwarded', kind: 'strings'},
]

const ERROR: readonly Field[] = [
  {name: 'source', key: 'source', kind: 'string'},
  {name: 'code', key: 'code', kind: 'int32'},
  {name: 'message', key: 'message', kind: 'string'},
]

export const ENVELOPE_FIELDS: readonly Field[] = [
  {name: 'origin', key: 'origin', kind: 'string'},
  {name: 'eventType', key: 'eventType', kind: 'int32', enumName: enumName.eventType},
  {name: 'timestamp', key: 'timestamp', kind: 'int64'},
  {name: 'deployment', key: 'deployment', kind: 'string'},
  {name: 'job', key: 'job', kind: 'string'},
  {name: 'index', key: 'index', kind: 'string'},
  {name: 'ip', key: 'ip', kind: 'string'},
  {name: 'tags', key: 'tags', kind: 'tags'},
  {name: 'httpStartStop', key: 'httpStartStop', kind: 'message', fields: HTTP_START_STOP},
  {name: 'logMessage', key: 'logMessage', kind: 'message', fields: LOG_MESSAGE},
  {name: 'valueMetric', key: 'valueMetric', kind: 'message', fields: VALUE_METRIC},
  {name: 'counterEvent', key: 'counterEvent', kind: 'message', fields: COUNTER_EVENT},
  {name: 'error', key: 'error', kind: 'message', fields: ERROR},
  {name: 'containerMetric', key: 'containerMetric', kind: 'message', fields: CONTAINER_METRIC},
]
