import type { DotReader } from './dot-reader.js'
import { postgresDotReader } from './postgres-dot-reader.js'
import { sqliteDotReader } from './sqlite-dot-reader.js'

/** `--from`: a postgres:// URL, or the path of a SQLite database file. */
export async function openDotReader(from: string): Promise<DotReader> {
  return /^postgres(ql)?:\/\//.test(from) ? postgresDotReader(from) : sqliteDotReader(from)
}
