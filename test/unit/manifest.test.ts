import {strict as assert} from 'node:assert'
import {execFileSync} from 'node:child_process'
import {cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('oclif.manifest.json', () => {
  it('is what `oclif manifest` writes for the built commands (run it and commit when this fails)', function () {
    this.timeout(60_000)
    const scratch = mkdtempSync(join(tmpdir(), 'cfws-manifest-'))
    try {
      cpSync(join(ROOT, 'package.json'), join(scratch, 'package.json'))
      cpSync(join(ROOT, 'dist'), join(scratch, 'dist'), {recursive: true})
      symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'))
      execFileSync(process.execPath, [join(ROOT, 'node_modules/oclif/bin/run.js'), 'manifest'], {
        cwd: scratch,
        env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
        stdio: 'pipe',
      })
      const fresh = JSON.parse(readFileSync(join(scratch, 'oclif.manifest.json'), 'utf8'))
      const committed = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
      assert.ok(Object.keys(fresh.commands).length > 0, 'the fresh manifest lists commands (is dist built?)')
      assert.deepEqual(committed, fresh)
    } finally {
      rmSync(scratch, {recursive: true, force: true})
    }
  })
})
