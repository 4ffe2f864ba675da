import type {Envelope} from '../../src/envelope/model.js'

export const U64_MAX = 18_446_744_073_709_551_615n
export const ABOVE_2_53 = 9_007_199_254_740_993n // 2^53 + 1: a double would round it

const header = {
  origin: 'rep',
  timestamp: 1_764_000_000_000_000_000n,
  deployment: 'cf',
  job: 'diego-cell',
  index: '0',
  ip: '10.0.16.5',
}

/** One envelope of each event type, with the awkward values the issue lists. */
export const SAMPLE_ENVELOPES: Record<string, Envelope> = {
  LogMessage: {
    ...header,
    eventType: 5,
    tags: new Map([['source_id', 'app-guid']]),
    logMessage: {
      message: Buffer.from('say "hi"\n\tcaf\u00e9 \\ done'),
      messageType: 2,
      timestamp: 1_764_000_000_123_456_789n,
      appId: 'app-guid',
      sourceType: 'APP/PROC/WEB',
      sourceInstance: '0',
    },
  },
  ValueMetric: {...header, eventType: 6, valueMetric: {name: 'CapacityTotalMemory', value: 16_000, unit: 'MiB'}},
  CounterEvent: {...header, eventType: 7, counterEvent: {name: 'dropped', delta: ABOVE_2_53, total: U64_MAX}},
  ContainerMetric: {
    ...header,
    eventType: 9,
    containerMetric: {
      applicationId: 'app-guid',
      instanceIndex: -1,
      cpuPercentage: 0.5,
      memoryBytes: ABOVE_2_53,
      diskBytes: 0n,
      memoryBytesQuota: 1_073_741_824n,
      diskBytesQuota: 2_147_483_648n,
    },
  },
  HttpStartStop: {
    ...header,
    origin: 'gorouter',
    eventType: 4,
    httpStartStop: {
      startTimestamp: 1_764_000_000_000_000_001n,
      stopTimestamp: 1_764_000_000_500_000_001n,
      requestId: {low: 0x7243cc580bc17af4n, high: 0x79d4c3b2020e67a5n},
      peerType: 1,
      method: 2,
      uri: 'https://myapp.example.com/api',
      remoteAddress: '10.0.0.1:51234',
      userAgent: 'curl/8.5.0',
      statusCode: 201,
      contentLength: 42n,
      instanceIndex: 0,
      instanceId: '',
      forwarded: ['203.0.113.7'],
    },
  },
  Error: {...header, eventType: 8, error: {source: 'doppler', code: -5, message: 'slow consumer'}},
}
