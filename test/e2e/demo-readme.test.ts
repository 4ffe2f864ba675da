import {strict as assert} from 'node:assert'
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const RUN_JS = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

interface Example {
  command: string
  stdout: string[]
}

/** The `$ cfws demo …` commands of the README's demo section and the stdout lines it shows for each (`cfws:` lines are stderr). */
function demoExamples(): Example[] {
  const section = README.slice(
    README.indexOf('## Try it without a foundation'),
    README.indexOf('\n## ', README.indexOf('## Try it without a foundation') + 1),
  )
  const block = section.match(/```console\n([\s\S]*?)```/)![1]
  const examples: Example[] = []
  for (const line of block.split('\n').filter(Boolean)) {
    if (line.startsWith('$ ')) examples.push({command: line.slice(2), stdout: []})
    else if (!line.startsWith('cfws: ')) examples.at(-1)!.stdout.push(line)
  }

  return examples
}

// What changes from run to run: the times, and the port the system gave.
function withoutTimes(line: string): string {
  return line
    .replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\d\+0000 /, 'T ')
    .replace(/\[\d{4}-\d\d-\d\dT[\d:.]+Z\]/, '[T]')
    .replace(/ timestamp:\d{19} /, ' timestamp:T ')
}

/** Runs the example in a shell, as a user would, until it printed as many lines as the README shows. */
async function run(command: string, lines: number, env: Record<string, string>): Promise<string[]> {
  const child = spawn('sh', ['-c', command.replaceAll(/\bcfws\b(?= demo)/g, `"${process.execPath}" "${RUN_JS}"`)], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const closed = once(child, 'close')
  let stdout = ''
  let interrupted = false
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (text: string) => {
    stdout += text
    // The whole pipeline: a stream goes on until interrupted.
    if (stdout.split('\n').length > lines && !interrupted) {
      interrupted = true
      process.kill(-child.pid!, 'SIGINT')
    }
  })
  await closed
  return stdout.split('\n').slice(0, lines)
}

describe('README: Try it without a foundation', () => {
  let tmp: string
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'cfws-readme-'))))
  afterEach(() => rmSync(tmp, {recursive: true, force: true}))

  it('shows three examples, each with its output', () => {
    assert.deepEqual(
      demoExamples().map((example) => [example.command, example.stdout.length > 0]),
      [
        ['cfws demo logs web', true],
        ["cfws demo logs worker --recent | grep -m1 -A3 'Exit status'", true],
        ['cfws demo firehose --filter ValueMetric', true],
      ],
    )
  })

  for (const example of demoExamples()) {
    it(`prints what it shows for \`${example.command}\``, async () => {
      const stdout = await run(example.command, example.stdout.length, {
        PATH: process.env.PATH!,
        HOME: tmp,
        TMPDIR: tmp,
        TZ: 'UTC',
        OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
      })
      assert.deepEqual(stdout.map(withoutTimes), example.stdout.map(withoutTimes))
    })
  }
})
