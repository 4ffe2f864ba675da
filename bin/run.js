#!/usr/bin/env node
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)
const {requireCached} = require('../dist/compile-cache.cjs')
const {run} = requireCached(require.resolve('../dist/main.cjs'))

await run({dir: import.meta.url})
