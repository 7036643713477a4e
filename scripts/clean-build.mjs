#!/usr/bin/env node
// The prepack step of every package (`npm pack`, `npm publish`): its dist is built afresh, so that
// a tarball holds no output of a source file deleted since the last `tsc -b` (tsc -b leaves those
// behind, and their source maps would point at files the tarball does not have).
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'

rmSync('dist', { recursive: true, force: true })
rmSync('tsconfig.tsbuildinfo', { force: true })
execFileSync('tsc', ['-b'], { stdio: 'inherit', shell: process.platform === 'win32' })
