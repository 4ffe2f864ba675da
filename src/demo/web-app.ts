import type {Envelope} from '../envelope/model.js'
import {instanceStart} from './app-start.js'
import {WEB_APP} from './catalog.js'
import {appLog, httpStartStop, type Request} from './envelopes.js'
import type {Dice} from './seeded-random.js'
import {type DemoEvent, rfc3339Nanos, type Story} from './story.js'

interface Route {
  method: 'GET' | 'POST'
  path: string
  status: number
  bytes: [number, number]
  ms: [number, number]
}

// A shop's front end: most requests read the catalogue, some change a cart.
const ROUTES: readonly Route[] = [
  {method: 'GET', path: '/', status: 200, bytes: [2100, 2300], ms: [1, 6]},
  {method: 'GET', path: '/api/products', status: 200, bytes: [4800, 5600], ms: [8, 34]},
  {method: 'GET', path: '/api/products/{id}', status: 200, bytes: [610, 780], ms: [3, 14]},
  {method: 'GET', path: '/api/products/{id}', status: 200, bytes: [610, 780], ms: [3, 14]},
  {method: 'GET', path: '/static/app.js', status: 304, bytes: [0, 0], ms: [0.4, 1.5]},
  {method: 'POST', path: '/api/cart', status: 201, bytes: [90, 140], ms: [6, 22]},
  {method: 'GET', path: '/health', status: 200, bytes: [15, 15], ms: [0.3, 1]},
  {method: 'GET', path: '/api/products/99999', status: 404, bytes: [31, 31], ms: [2, 5]},
]

const USER_AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'curl/8.5.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
]

const CHECKOUT_ERROR = [
  "TypeError: Cannot read properties of undefined (reading 'price')",
  '    at /home/vcap/app/src/cart.js:42:31',
  '    at Array.reduce (<anonymous>)',
  '    at cartTotal (/home/vcap/app/src/cart.js:41:22)',
  '    at checkout (/home/vcap/app/src/routes/checkout.js:18:19)',
  '    at Layer.handle [as handle_request] (/home/vcap/app/node_modules/express/lib/router/layer.js:95:5)',
].join('\n')

const METHOD_NUMBERS = {GET: 1, POST: 2} as const
const MS = 1_000_000n

/**
 * The `web` app: a Node.js shop on two instances behind the router. It starts, then serves a
 * request every quarter to one second: each gives the app's access line (morgan's `tiny` format),
 * the router's access line (`[RTR/0]`, gorouter's format) and an HttpStartStop for the firehose.
 * About one request in 25 is a checkout that fails with a stack trace.
 */
export function* webStory(dice: Dice): Story {
  const instanceIds = Array.from({length: WEB_APP.instances}, () => dice.uuid())
  yield {
    afterMs: 0,
    envelopes: (atNs) => [
      appLog(WEB_APP, 'API', '0', `Updated app with guid ${WEB_APP.guid} ({"state"=>"STARTED"})`, atNs),
    ],
  }
  for (const [instance, instanceId] of instanceIds.entries()) {
    const lines = ['> web@1.4.2 start', '> node server.js', 'web 1.4.2 listening on port 8080 (NODE_ENV=production)']
    yield {
      afterMs: 900 + instance * 150,
      envelopes: (atNs) => instanceStart(WEB_APP, instance, instanceId, lines, atNs),
    }
  }

  for (let served = 1; ; served++) {
    const failing = served % 25 === 0
    yield request(
      dice,
      instanceIds,
      failing ? {method: 'POST', path: '/api/checkout', status: 500, bytes: [52, 52], ms: [2, 6]} : dice.pick(ROUTES),
      failing,
    )
  }
}

function request(dice: Dice, instanceIds: readonly string[], route: Route, failing: boolean): DemoEvent {
  const instance = dice.int(0, instanceIds.length - 1)
  const path = route.path.replace('{id}', String(dice.int(1000, 1400)))
  const bytes = dice.int(...route.bytes)
  const tookMs = dice.between(...route.ms)
  const client = `203.0.113.${dice.int(2, 250)}:${dice.int(40_000, 60_000)}`
  const userAgent = dice.pick(USER_AGENTS)
  const requestId = dice.uuid()
  const routerUs = dice.int(100, 400)
  return {
    afterMs: dice.between(250, 1000),
    envelopes(atNs: bigint): Envelope[] {
      const doneNs = atNs + BigInt(Math.round(tookMs * 1e6))
      const routerNs = doneNs + 400_000n
      const req: Request = {
        startNs: atNs - MS,
        stopNs: routerNs,
        requestId,
        method: METHOD_NUMBERS[route.method],
        uri: path,
        remoteAddress: client,
        userAgent,
        statusCode: route.status,
        contentLength: BigInt(bytes),
        instance,
        instanceId: instanceIds[instance],
      }
      const source = String(instance)
      const access = `${route.method} ${path} ${route.status} ${route.bytes[1] === 0 ? '-' : bytes} - ${tookMs.toFixed(3)} ms`
      const routerLine = [
        `${WEB_APP.route} - [${rfc3339Nanos(req.startNs)}] "${route.method} ${path} HTTP/1.1" ${route.status} ${route.method === 'POST' ? 64 : 0} ${bytes} "-" "${userAgent}"`,
        `"${client}" "10.0.16.5:6100${instance}" x_forwarded_for:"${client.replace(/:\d+$/, '')}" x_forwarded_proto:"https" vcap_request_id:"${requestId}"`,
        `response_time:${(Number(routerNs - req.startNs) / 1e9).toFixed(6)} gorouter_time:0.000${routerUs} app_id:"${WEB_APP.guid}" app_index:"${instance}" instance_id:"${instanceIds[instance]}" x_cf_routererror:"-"`,
      ].join(' ')
      return [
        ...(failing ? [appLog(WEB_APP, 'APP/PROC/WEB', source, CHECKOUT_ERROR, doneNs - 100_000n, 'ERR')] : []),
        appLog(WEB_APP, 'APP/PROC/WEB', source, access, doneNs),
        appLog(WEB_APP, 'RTR', '0', routerLine, routerNs),
        httpStartStop(WEB_APP, req),
      ]
    },
  }
}
