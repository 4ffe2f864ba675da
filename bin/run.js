#!/usr/bin/env node
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)
const {requireCached} = require('../dist/compile-cache.cjs')
const {execute} = requireCached(require.resolve('../dist/main.cjs'))

await execute({dir: import.meta.url})
