import type {Envelope, Uuid} from '../envelope/model.js'
import {EVENT_TYPES, MESSAGE_TYPES} from '../envelope/types.js'
import {CLOUD_CONTROLLER_VM, DEMO_ORG, DEMO_SPACE, type DemoApp, DIEGO_CELL, ROUTER} from './catalog.js'

/** A VM as a v1 envelope names it. */
export interface Vm {
  deployment: string
  job: string
  index: string
  ip: string
}

/**
 * What the demo apps and VMs send, shaped as the Traffic Controller hands it out after its v2 → v1
 * conversion (PROTOCOL.md §6, go-loggregator `conversion/tov1.go`): VM fields set, `source_id` and
 * the app's names in the tags.
 */
export function appLog(
  app: DemoApp,
  source: string,
  instance: string,
  text: string,
  atNs: bigint,
  type: keyof typeof MESSAGE_TYPES = 'OUT',
): Envelope {
  const [origin, vm] =
    source === 'RTR'
      ? ['gorouter', ROUTER]
      : source === 'API'
        ? ['cloud_controller', CLOUD_CONTROLLER_VM]
        : ['rep', DIEGO_CELL]
  return {
    ...vmFields(origin, vm, EVENT_TYPES.LogMessage, atNs, appTags(app)),
    logMessage: {
      message: Buffer.from(text),
      messageType: MESSAGE_TYPES[type],
      timestamp: atNs,
      appId: app.guid,
      sourceType: source,
      sourceInstance: instance,
    },
  }
}

export function containerMetric(
  app: DemoApp,
  instance: number,
  atNs: bigint,
  usage: {cpuPercentage: number; memoryBytes: bigint; diskBytes: bigint},
): Envelope {
  return {
    ...vmFields('rep', DIEGO_CELL, EVENT_TYPES.ContainerMetric, atNs, appTags(app)),
    containerMetric: {
      applicationId: app.guid,
      instanceIndex: instance,
      ...usage,
      memoryBytesQuota: 512n * MIB,
      diskBytesQuota: 1024n * MIB,
    },
  }
}

export interface Request {
  startNs: bigint
  stopNs: bigint
  requestId: string
  /** dropsonde's Method enum: GET 1, POST 2, PUT 3, DELETE 4. */
  method: number
  uri: string
  remoteAddress: string
  userAgent: string
  statusCode: number
  contentLength: bigint
  instance: number
  instanceId: string
}

/** The router's record of one request (peer type Client, as gorouter sends it). */
export function httpStartStop(app: DemoApp, request: Request): Envelope {
  return {
    ...vmFields('gorouter', ROUTER, EVENT_TYPES.HttpStartStop, request.stopNs, appTags(app)),
    httpStartStop: {
      startTimestamp: request.startNs,
      stopTimestamp: request.stopNs,
      requestId: uuidWords(request.requestId),
      peerType: 1,
      method: request.method,
      uri: `${app.route ?? app.name}${request.uri}`,
      remoteAddress: request.remoteAddress,
      userAgent: request.userAgent,
      statusCode: request.statusCode,
      contentLength: request.contentLength,
      applicationId: uuidWords(app.guid),
      instanceIndex: request.instance,
      instanceId: request.instanceId,
      forwarded: [request.remoteAddress.replace(/:\d+$/, '')],
    },
  }
}

export function valueMetric(origin: string, vm: Vm, atNs: bigint, name: string, value: number, unit: string): Envelope {
  return {
    ...vmFields(origin, vm, EVENT_TYPES.ValueMetric, atNs, new Map([['source_id', origin]])),
    valueMetric: {name, value, unit},
  }
}

export function counterEvent(
  origin: string,
  vm: Vm,
  atNs: bigint,
  name: string,
  delta: bigint,
  total: bigint,
): Envelope {
  return {
    ...vmFields(origin, vm, EVENT_TYPES.CounterEvent, atNs, new Map([['source_id', origin]])),
    counterEvent: {name, delta, total},
  }
}

const MIB = 1_048_576n

function vmFields(origin: string, vm: Vm, eventType: number, atNs: bigint, tags: Map<string, string>): Envelope {
  return {origin, eventType, timestamp: atNs, deployment: vm.deployment, job: vm.job, index: vm.index, ip: vm.ip, tags}
}

function appTags(app: DemoApp): Map<string, string> {
  return new Map([
    ['source_id', app.guid],
    ['app_name', app.name],
    ['organization_name', DEMO_ORG.name],
    ['space_name', DEMO_SPACE.name],
  ])
}

/** A UUID as dropsonde carries it: each 8-byte half of its string order, little-endian (PROTOCOL.md §6). */
function uuidWords(uuid: string): Uuid {
  const bytes = Buffer.from(uuid.replaceAll('-', ''), 'hex')
  return {low: bytes.readBigUInt64LE(0), high: bytes.readBigUInt64LE(8)}
}
