// The lossless pipe rate of one command: paced runs at fractions of its /dev/null rate, then one
// at full speed, and the two figures the issue asks for.
import {linesPerPool, type PipeRun, runPipe} from './pipe-rate.js'

const FRACTIONS = [0.5, 0.7, 0.9, 1]
// Runs at each offered fraction: one run of a few seconds moved ±10 % with the machine, so a
// fraction is judged on the median run of three (any loss in any of them still counts).
const RUNS_PER_FRACTION = 3
// A paced run counts as keeping up when the feed sent at least this share of the rate it offered.
const KEPT_UP = 0.97

export interface PipeSweep {
  /** What to print: the lines per pool pass, the column header, one line per run. */
  lines: string[]
  /**
   * The highest offered fraction at which the feed kept up in the median of its runs and no run up
   * to it lost a line (a loss at a lower rate makes a higher lossless run luck, not a rate); 0 when
   * there is none.
   */
  losslessFraction: number
  /** Lines lost at full speed (0 when every one arrived). */
  fullSpeedLoss: number
}

const medianRun = (runs: PipeRun[]): PipeRun =>
  [...runs].sort((a, b) => a.achievedPerSecond - b.achievedPerSecond)[Math.floor(runs.length / 2)]
const isLossless = (run: PipeRun): boolean =>
  run.linesCounted === run.linesExpected && !run.hung && !run.feed.clientLeft
const keptUp = (run: PipeRun): boolean => run.achievedPerSecond >= KEPT_UP * run.offeredPerSecond!
const mps = (perSecond: number): string => (perSecond / 1e6).toFixed(3)
const count = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '-' : value.toLocaleString('en')

// Text on the left, numbers on the right.
const COLUMNS = [
  {name: 'command', width: 24, left: true},
  {name: 'offer', width: 6},
  {name: 'offered', width: 10},
  {name: 'achieved', width: 10},
  {name: 'kept', width: 6},
  {name: 'expected', width: 12},
  {name: 'counted', width: 12},
  {name: 'lost', width: 11},
  {name: 'dropped', width: 11},
  {name: '  feed', width: 0, left: true},
]
const columns = (cells: string[]): string =>
  cells.map((cell, i) => (COLUMNS[i].left ? cell.padEnd(COLUMNS[i].width) : cell.padStart(COLUMNS[i].width))).join('')

function describe(command: string, offer: string, run: PipeRun): string {
  const feed = run.hung
    ? 'hung: killed'
    : run.feed.cutSlowConsumer
      ? 'cut: slow consumer'
      : run.feed.clientLeft
        ? 'client left'
        : 'ok'
  const offered = run.offeredPerSecond === undefined ? '-' : mps(run.offeredPerSecond)
  const kept = run.offeredPerSecond === undefined ? '-' : keptUp(run) ? 'yes' : 'no'
  return columns([
    command,
    offer,
    offered,
    mps(run.achievedPerSecond),
    kept,
    count(run.linesExpected),
    count(run.linesCounted),
    count(run.linesExpected - run.linesCounted),
    count(run.droppedReported),
    `  ${feed}`,
  ])
}

export async function sweepPipe(options: {
  command: string
  pool: readonly Uint8Array[]
  cfwsArgs: readonly string[]
  env: Record<string, string | undefined>
  total: number
  devNullPerSecond: number
  onRun: (line: string) => void
}): Promise<PipeSweep> {
  const {command, pool, cfwsArgs, env, total} = options
  const linesPerPass = await linesPerPool(pool, cfwsArgs, env)
  const lines = [
    `${command}: ${count(linesPerPass)} lines per pass over the ${count(pool.length)}-envelope pool; cfws → /dev/null ${mps(options.devNullPerSecond)} M env/s; ${count(total)} envelopes a run`,
    columns(COLUMNS.map((column) => column.name)),
  ]
  const record = (offer: string, run: PipeRun): void => {
    lines.push(describe(command, offer, run))
    options.onRun(lines.at(-1)!)
  }

  let losslessFraction = 0
  let lossBelow = false
  for (const fraction of FRACTIONS) {
    const runs: PipeRun[] = []
    for (let i = 0; i < RUNS_PER_FRACTION; i++) {
      const run = await runPipe({
        pool,
        total,
        linesPerPass,
        cfwsArgs,
        env,
        ratePerSecond: fraction * options.devNullPerSecond,
      })
      record(fraction.toFixed(2), run)
      runs.push(run)
    }

    lossBelow ||= !runs.every(isLossless)
    if (!lossBelow && keptUp(medianRun(runs))) losslessFraction = fraction
  }

  const full = await runPipe({pool, total, linesPerPass, cfwsArgs, env})
  record('full', full)
  return {lines, losslessFraction, fullSpeedLoss: isLossless(full) ? 0 : full.linesExpected - full.linesCounted}
}

/** The one-line legend printed above the sweeps. */
export const PIPE_LEGEND = `lossless pipe: rates in M envelopes/s; kept: achieved ≥ ${KEPT_UP} × offered (a fraction is judged on the median of its ${RUNS_PER_FRACTION} runs); dropped: the sum of cfws's "dropped N lines" notices`
