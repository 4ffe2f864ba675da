import {instanceStart} from './app-start.js'
import {DIEGO_CELL, WORKER_APP} from './catalog.js'
import {appLog} from './envelopes.js'
import type {Dice} from './seeded-random.js'
import type {Story} from './story.js'

const JOBS = ['send-invoice-email', 'resize-product-image', 'sync-inventory', 'charge-subscription'] as const

const SMTP_TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/home/vcap/app/worker.py", line 57, in run_job',
  '    result = handler(job.payload)',
  '  File "/home/vcap/app/jobs/invoice.py", line 23, in send_invoice_email',
  '    smtp.send_message(message)',
  'ConnectionRefusedError: [Errno 111] Connection refused',
].join('\n')

const STARTING = ['INFO worker: starting 4 threads on queue "jobs"']

/** Jobs between two crashes: about 40 s at the pace below, so the demo's history holds one. */
const JOBS_PER_LIFE = 30
/** The memory warnings before a crash, by the number of jobs left. */
const WARNINGS = new Map([
  [8, 82],
  [4, 91],
  [0, 97],
])

/**
 * The `worker` app: a Python job runner on one instance. It takes a job every 0.6 to 2 s, one in
 * nine fails with a traceback, its memory grows (it warns), and after 30 jobs Diego kills it for running out
 * of memory (exit status 137) and starts it again: the crash and restart as `cf logs` shows them.
 */
export function* workerStory(dice: Dice): Story {
  let instanceId = dice.uuid()
  let crashes = 0
  let job = 4810
  yield {afterMs: 400, envelopes: (atNs) => instanceStart(WORKER_APP, 0, instanceId, STARTING, atNs)}
  for (;;) {
    for (let done = 1; done <= JOBS_PER_LIFE; done++) {
      // Every ninth job meets a mail server that is down; memory warnings come as the end nears.
      const failing = done % 9 === 0
      const name = failing ? 'send-invoice-email' : dice.pick(JOBS)
      const tookMs = dice.int(40, 900)
      const id = job++
      const memory = WARNINGS.get(JOBS_PER_LIFE - done)
      yield {
        afterMs: dice.between(600, 2000),
        envelopes(atNs) {
          const log = (text: string, type: 'OUT' | 'ERR' = 'OUT') =>
            appLog(WORKER_APP, 'APP/PROC/WORKER', '0', text, atNs, type)
          if (failing)
            return [log(`ERROR worker: job ${id} ${name} failed, retrying in 30s`, 'ERR'), log(SMTP_TRACEBACK, 'ERR')]
          const finished = log(`INFO worker: job ${id} ${name} done in ${tookMs}ms`)
          return memory === undefined
            ? [finished]
            : [finished, log(`WARNING worker: memory at ${memory}% of the 512M quota`)]
        },
      }
    }

    crashes++
    const dead = instanceId
    instanceId = dice.uuid()
    const crashedAtMs = dice.between(300, 900)
    yield {
      afterMs: crashedAtMs,
      envelopes(atNs) {
        const at = (i: number) => atNs + BigInt(i) * 30_000_000n
        const crash = `App instance exited with guid ${WORKER_APP.guid} payload: {"instance"=>"${dead}", "index"=>0, "cell_id"=>"${DIEGO_CELL.cellId}", "reason"=>"CRASHED", "exit_description"=>"APP/PROC/WORKER: Exited with status 137 (out of memory)", "crash_count"=>${crashes}, "crash_timestamp"=>${at(1)}, "version"=>"d3c0a6f2-5e1b-4b7c-8f9a-0e2d4c6b8a10"}`
        return [
          appLog(WORKER_APP, 'APP/PROC/WORKER', '0', 'Exit status 137 (out of memory)', at(0)),
          appLog(WORKER_APP, 'CELL', '0', `Cell ${DIEGO_CELL.cellId} stopping instance ${dead}`, at(1)),
          appLog(WORKER_APP, 'CELL', '0', `Cell ${DIEGO_CELL.cellId} destroying container for instance ${dead}`, at(2)),
          appLog(WORKER_APP, 'API', '0', 'Process has crashed with type: "worker"', at(3)),
          appLog(WORKER_APP, 'API', '0', crash, at(4)),
          appLog(
            WORKER_APP,
            'CELL',
            '0',
            `Cell ${DIEGO_CELL.cellId} successfully destroyed container for instance ${dead}`,
            at(5),
          ),
        ]
      },
    }
    const restarting = instanceId
    yield {
      afterMs: dice.between(1500, 2500),
      envelopes: (atNs) => instanceStart(WORKER_APP, 0, restarting, STARTING, atNs),
    }
  }
}
