import {strict as assert} from 'node:assert'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cfConfig, makeCfHome} from '../helpers/cf-home.js'
import {CliProcess, runCli} from '../helpers/run-cli.js'

// The demo's stories are seeded: the same lines every run, only the times are now. These helpers
// put the times aside so the rest can be compared exactly.
const HEADER_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\d\+0000) /
const ROUTER_TIME = /\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z)\]/

function withoutTimes(line: string): string {
  return line.replace(HEADER_TIME, 'T ').replace(ROUTER_TIME, '[T]')
}

/** Each line's header time, checked to lie in [fromMs, toMs] (to the hundredth it shows). */
function assertTimesWithin(lines: readonly string[], fromMs: number, toMs: number): number[] {
  return lines.map((line) => {
    const ms = Date.parse(line.match(HEADER_TIME)![1].replace('+0000', 'Z'))
    assert.ok(ms >= Math.floor(fromMs / 10) * 10 && ms <= toMs, `${line} is not within the run`)
    return ms
  })
}

const DEMO_NOTICE =
  /^cfws: demo: a Cloud Foundry on this machine \(http:\/\/127\.0\.0\.1:\d+\) with apps web, worker; your cf config is left alone\n/

describe('cfws demo (end to end)', () => {
  let tmp: string
  let home: string

  beforeEach(() => {
    // The demo's CF_HOME goes to TMPDIR: each test sees that nothing is left behind.
    tmp = mkdtempSync(join(tmpdir(), 'cfws-demo-test-'))
    home = mkdtempSync(join(tmpdir(), 'cfws-demo-home-'))
  })

  afterEach(() => {
    CliProcess.killAll()
    rmSync(tmp, {recursive: true, force: true})
    rmSync(home, {recursive: true, force: true})
  })

  function demo(args: string[], env: Record<string, string> = {}): CliProcess {
    return new CliProcess(['demo', ...args], {TMPDIR: tmp, HOME: home, ...env})
  }

  it("streams the web app's requests live, app and router lines, and exits 130 on SIGINT", async () => {
    const startMs = Date.now()
    const cli = demo(['logs', 'web'])
    const lines = await cli.waitForStdoutLines(4)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    assert.deepEqual(lines.map(withoutTimes), [
      'T [APP/PROC/WEB/1] OUT GET /api/products/1248 200 610 - 4.324 ms',
      'T [RTR/0] OUT web.apps.demo.example - [T] "GET /api/products/1248 HTTP/1.1" 200 0 610 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36" "203.0.113.35:58211" "10.0.16.5:61001" x_forwarded_for:"203.0.113.35" x_forwarded_proto:"https" vcap_request_id:"d5846a4c-d621-4add-9fa6-135b4dc1f126" response_time:0.005724 gorouter_time:0.000354 app_id:"9f3c2b1a-4d5e-4f60-8a7b-2c3d4e5f6a71" app_index:"1" instance_id:"3b7cf3c2-5632-4b92-909d-3fb64afebede" x_cf_routererror:"-"',
      'T [APP/PROC/WEB/0] OUT GET /api/products/1202 200 672 - 7.512 ms',
      'T [RTR/0] OUT web.apps.demo.example - [T] "GET /api/products/1202 HTTP/1.1" 200 0 672 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36" "203.0.113.188:59443" "10.0.16.5:61000" x_forwarded_for:"203.0.113.188" x_forwarded_proto:"https" vcap_request_id:"3d5012a4-0c55-48ca-bcfc-53c368e67e4f" response_time:0.008912 gorouter_time:0.000308 app_id:"9f3c2b1a-4d5e-4f60-8a7b-2c3d4e5f6a71" app_index:"0" instance_id:"a08ff49b-6f77-4263-8716-c43069c43a8c" x_cf_routererror:"-"',
    ])
    // Live: logged now, in order.
    const times = assertTimesWithin(lines, startMs, Date.now())
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    )
    assert.match(result.stderr, DEMO_NOTICE)
    assert.equal(result.stderr.replace(DEMO_NOTICE, ''), 'cfws: tailing web in demo-org/demo-space (Ctrl-C to stop)\n')
    assert.deepEqual(readdirSync(tmp), [], 'the demo removed its CF_HOME')
  })

  it('ends with exit 143 on a SIGTERM as soon as the demo has started, and leaves nothing behind', async () => {
    const cli = demo(['logs', 'worker'])
    await cli.waitForStderr(DEMO_NOTICE)
    cli.child.kill('SIGTERM')
    const result = await cli.result()
    assert.equal(result.code, 143)
    assert.deepEqual(readdirSync(tmp), [])
  })

  it("prints the web app's recent logs from Log Cache, oldest first: its start, requests, a stack trace", async () => {
    const startMs = Date.now()
    const result = await runCli(['demo', 'logs', 'web', '--recent'], {TMPDIR: tmp, HOME: home})
    assert.equal(result.code, 0)
    const lines = result.stdout.split('\n').slice(0, -1)
    assert.deepEqual(lines.slice(0, 4).map(withoutTimes), [
      'T [API/0] OUT Updated app with guid 9f3c2b1a-4d5e-4f60-8a7b-2c3d4e5f6a71 ({"state"=>"STARTED"})',
      'T [CELL/0] OUT Cell a8f0c2d4-6b1e-4e3f-9a2c-7d5b3e1f0c9a creating container for instance a08ff49b-6f77-4263-8716-c43069c43a8c',
      'T [CELL/0] OUT Security group rules were updated',
      'T [CELL/0] OUT Cell a8f0c2d4-6b1e-4e3f-9a2c-7d5b3e1f0c9a successfully created container for instance a08ff49b-6f77-4263-8716-c43069c43a8c',
    ])
    assert.ok(
      lines.map(withoutTimes).includes('T [APP/PROC/WEB/1] OUT web 1.4.2 listening on port 8080 (NODE_ENV=production)'),
    )
    const trace = lines.findIndex((line) =>
      line.includes("ERR TypeError: Cannot read properties of undefined (reading 'price')"),
    )
    assert.deepEqual(
      lines.slice(trace, trace + 7).map((line) => line.replace(HEADER_TIME, '')),
      [
        "[APP/PROC/WEB/1] ERR TypeError: Cannot read properties of undefined (reading 'price')",
        '[APP/PROC/WEB/1] ERR     at /home/vcap/app/src/cart.js:42:31',
        '[APP/PROC/WEB/1] ERR     at Array.reduce (<anonymous>)',
        '[APP/PROC/WEB/1] ERR     at cartTotal (/home/vcap/app/src/cart.js:41:22)',
        '[APP/PROC/WEB/1] ERR     at checkout (/home/vcap/app/src/routes/checkout.js:18:19)',
        '[APP/PROC/WEB/1] ERR     at Layer.handle [as handle_request] (/home/vcap/app/node_modules/express/lib/router/layer.js:95:5)',
        '[APP/PROC/WEB/1] OUT POST /api/checkout 500 52 - 5.446 ms',
      ],
    )
    // The last 90 s before the demo started, sorted.
    const times = assertTimesWithin(lines, startMs - 90_000, Date.now())
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    )
    assert.equal(lines.length, 335)
  })

  it("shows the worker's crash for lack of memory and its restart in --recent", async () => {
    const result = await runCli(['demo', 'logs', 'worker', '--recent'], {TMPDIR: tmp, HOME: home})
    assert.equal(result.code, 0)
    const lines = result.stdout.split('\n').map(withoutTimes)
    const crash = lines.indexOf('T [APP/PROC/WORKER/0] OUT Exit status 137 (out of memory)')
    assert.deepEqual(lines.slice(crash - 1, crash + 15), [
      'T [APP/PROC/WORKER/0] OUT WARNING worker: memory at 97% of the 512M quota',
      'T [APP/PROC/WORKER/0] OUT Exit status 137 (out of memory)',
      'T [CELL/0] OUT Cell a8f0c2d4-6b1e-4e3f-9a2c-7d5b3e1f0c9a stopping instance b548ea75-c1c3-46d9-8a5f-0e0230f7af37',
      'T [CELL/0] OUT Cell a8f0c2d4-6b1e-4e3f-9a2c-7d5b3e1f0c9a destroying container for instance b548ea75-c1c3-46d9-8a5f-0e0230f7af37',
      'T [API/0] OUT Process has crashed with type: "worker"',
      lines[crash + 4],
      'T [CELL/0] OUT Cell a8f0c2d4-6b1e-4e3f-9a2c-7d5b3e1f0c9a successfully destroyed container for instance b548ea75-c1c3-46d9-8a5f-0e0230f7af37',
      'T [CELL/0] OUT Cell a8f0c2d4-6b1e-4e3f-9a2c-7d5b3e1f0c9a creating container for instance 81d73979-843e-4983-84d3-f3d55be56de5',
      'T [CELL/0] OUT Security group rules were updated',
      'T [CELL/0] OUT Cell a8f0c2d4-6b1e-4e3f-9a2c-7d5b3e1f0c9a successfully created container for instance 81d73979-843e-4983-84d3-f3d55be56de5',
      'T [CELL/0] OUT Downloading droplet...',
      'T [CELL/0] OUT Downloaded droplet (61.4M)',
      'T [CELL/0] OUT Starting health monitoring of container',
      'T [APP/PROC/WORKER/0] OUT INFO worker: starting 4 threads on queue "jobs"',
      'T [CELL/0] OUT Container became healthy',
      'T [APP/PROC/WORKER/0] OUT INFO worker: job 4840 charge-subscription done in 503ms',
    ])
    assert.match(
      lines[crash + 4],
      /^T \[API\/0\] OUT App instance exited with guid 1b2c3d4e-5f60-4a7b-9c8d-e0f1a2b3c4d5 payload: \{"instance"=>"b548ea75-c1c3-46d9-8a5f-0e0230f7af37", "index"=>0, .*"reason"=>"CRASHED", "exit_description"=>"APP\/PROC\/WORKER: Exited with status 137 \(out of memory\)", "crash_count"=>1, /,
    )
  })

  it('streams the platform metrics of the firehose with --filter ValueMetric', async () => {
    const cli = demo(['firehose', '--filter', 'ValueMetric'])
    const lines = await cli.waitForStdoutLines(3)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    assert.deepEqual(
      lines.map((line) => line.replace(/ timestamp:\d{19} /, ' timestamp:T ')),
      [
        'origin:"rep" eventType:ValueMetric timestamp:T deployment:"cf" job:"diego-cell" index:"0" ip:"10.0.16.5" tags:<key:"source_id" value:"rep" > valueMetric:<name:"CapacityRemainingMemory" value:11712 unit:"MiB" >',
        'origin:"rep" eventType:ValueMetric timestamp:T deployment:"cf" job:"diego-cell" index:"0" ip:"10.0.16.5" tags:<key:"source_id" value:"rep" > valueMetric:<name:"ContainerCount" value:3 unit:"Metric" >',
        'origin:"gorouter" eventType:ValueMetric timestamp:T deployment:"cf" job:"router" index:"0" ip:"10.0.1.17" tags:<key:"source_id" value:"gorouter" > valueMetric:<name:"latency" value:7.938 unit:"ms" >',
      ],
    )
    assert.match(result.stderr, DEMO_NOTICE)
    assert.match(
      result.stderr.replace(DEMO_NOTICE, ''),
      /^cfws: subscription id (cfws-[0-9a-f]{10}): add processes with --subscription-id \1 to share this stream\n$/,
    )
  })

  it('says nothing on stderr with --quiet, its own notice included', async () => {
    const result = await demo(['logs', 'web', '--quiet', '--max-lines', '2']).result()
    assert.equal(result.code, 0)
    assert.equal(result.stdout.split('\n').length, 3)
    assert.equal(result.stderr, '')
  })

  it('ends quietly with exit 0 when the reader closes the pipe, as `| head` does', async () => {
    const cli = demo(['logs', 'web', '--json'])
    const [line] = await cli.waitForStdoutLines(1)
    cli.child.stdout!.destroy()
    const result = await cli.result()
    assert.equal(result.code, 0)
    assert.deepEqual(
      {...JSON.parse(line), timestamp: 'T'},
      {
        timestamp: 'T',
        app: 'web',
        source_type: 'APP/PROC/WEB',
        source_instance: '1',
        message_type: 'OUT',
        message: 'GET /api/products/1248 200 610 - 4.324 ms',
      },
    )
    assert.deepEqual(readdirSync(tmp), [])
  })

  it("neither reads nor changes the user's cf config, endpoint or UAA client", async () => {
    const user = makeCfHome(cfConfig('https://api.sys.example.com', {AccessToken: 'bearer users-own-token'}))
    try {
      const before = user.read()
      const result = await runCli(['demo', 'logs', 'worker', '--recent', '--lines', '2'], {
        TMPDIR: tmp,
        HOME: home,
        CF_HOME: user.dir,
        CFWS_LOGGER_ENDPOINT: 'wss://doppler.sys.example.com',
        CFWS_CLIENT_ID: 'nozzle',
        CFWS_CLIENT_SECRET: 'secret',
      })
      assert.equal(result.code, 0)
      assert.equal(result.stdout.split('\n').length, 3)
      assert.deepEqual(user.read(), before)
      assert.deepEqual(readdirSync(tmp), [])
    } finally {
      user.remove()
    }
  })

  it("stays on this machine when Node's own proxy support is on (NODE_USE_ENV_PROXY, Node 22.21 and 24.5 on)", async () => {
    // Nothing listens on the discard port: a request sent to this proxy is refused. Node 20 ignores
    // NODE_USE_ENV_PROXY, so there this passes either way (test/unit/net/http-client.test.ts does not).
    const proxy = 'http://127.0.0.1:9'
    const env = {NODE_USE_ENV_PROXY: '1', HTTP_PROXY: proxy, HTTPS_PROXY: proxy}
    const result = await demo(['logs', 'worker', '--recent', '--lines', '2'], env).result()
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout.split('\n').length, 3)
  })

  it('refuses an --endpoint, which would take its login off this machine, before it starts (exit 2)', async () => {
    for (const words of [
      ['logs', 'web', '--endpoint', 'wss://doppler.sys.example.com'],
      ['firehose', '--endpoint=wss://doppler.sys.example.com'],
      // oclif takes `--` as --include's pattern and goes on reading flags.
      ['logs', 'web', '--include', '--', '--endpoint', 'wss://doppler.sys.example.com'],
    ]) {
      const result = await runCli(['demo', ...words], {TMPDIR: tmp})
      assert.deepEqual(
        [result.code, result.stdout, result.stderr],
        [
          2,
          '',
          `cfws: demo streams from its own Traffic Controller: --endpoint cannot be given\nhint: Leave out --endpoint, or 'demo' to run 'cfws ${words[0]}' against your foundation.\n`,
        ],
      )
      assert.deepEqual(readdirSync(tmp), [])
    }
  })

  it('silences its own notice with --quiet, for firehose too', async () => {
    const cli = demo(['firehose', '--quiet', '--filter', 'ValueMetric', '--json'])
    await cli.waitForStdoutLines(1)
    cli.child.kill('SIGINT')
    const result = await cli.result()
    assert.equal(result.code, 130)
    assert.equal(result.stderr, '')
    assert.equal(JSON.parse(result.stdout.split('\n')[0]).eventType, 'ValueMetric')
  })

  it("shows the help of the command it runs for 'demo logs --help', its own for 'demo --help'", async () => {
    const [logs, logsOwn, demoOwn] = await Promise.all([
      runCli(['demo', 'logs', 'web', '-h'], {TMPDIR: tmp}),
      runCli(['logs', '--help'], {TMPDIR: tmp}),
      runCli(['demo', '--help'], {TMPDIR: tmp}),
    ])
    assert.equal(logs.code, 0)
    assert.equal(logs.stdout, logsOwn.stdout)
    assert.match(demoOwn.stdout, /^Try cfws without a foundation/)
    assert.deepEqual(readdirSync(tmp), [])
  })

  it('says which commands it runs when given none or another, with exit 2', async () => {
    const none = await runCli(['demo'], {TMPDIR: tmp})
    assert.deepEqual(
      [none.code, none.stdout, none.stderr],
      [
        2,
        '',
        "cfws: demo needs a command: logs APP or firehose\nhint: Try 'cfws demo logs web', 'cfws demo logs worker --recent' or 'cfws demo firehose --filter ValueMetric'.\n",
      ],
    )
    const other = await runCli(['demo', 'apps'], {TMPDIR: tmp})
    assert.equal(other.code, 2)
    assert.match(other.stderr, /^cfws: demo runs logs or firehose, not 'apps'\nhint: /)
  })

  it("reports an app the demo does not have as the real command does (exit 5), and the command's own usage errors", async () => {
    // The demo's notice first (it names the apps there are), then the command's own words.
    const missing = await runCli(['demo', 'logs', 'api', '--source', 'RTE'], {TMPDIR: tmp, HOME: home})
    assert.equal(missing.code, 5)
    assert.match(missing.stderr, DEMO_NOTICE)
    assert.match(
      missing.stderr.replace(DEMO_NOTICE, ''),
      /^cfws: --source 'RTE': not one of Cloud Foundry's source types [^\n]+\ncfws: App 'api' not found in space demo-space of org demo-org\n/,
    )
    // A usage error is said alone: the demo's notice waits until the command has checked its flags.
    const usage = await runCli(['demo', 'firehose', '--filter', 'Nope'], {TMPDIR: tmp, HOME: home})
    assert.deepEqual(
      [usage.code, usage.stderr],
      [
        2,
        "cfws: Unknown event type 'Nope' in --filter\nhint: Valid types: HttpStartStop, LogMessage, ValueMetric, CounterEvent, Error, ContainerMetric.\n",
      ],
    )
    const oclifUsage = await runCli(['demo', 'logs', 'web', '--max-lines', '0'], {TMPDIR: tmp, HOME: home})
    assert.deepEqual(
      [oclifUsage.code, oclifUsage.stderr],
      [2, "cfws: --max-lines takes a whole number of at least 1, not '0'\nhint: See 'cfws logs --help'.\n"],
    )
    assert.deepEqual(readdirSync(tmp), [])
  })
})
