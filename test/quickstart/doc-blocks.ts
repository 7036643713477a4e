import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../packaging/support.js'

/**
 * The code blocks the docs mark for this test: an HTML comment `<!-- quickstart:NAME -->` (not
 * shown when the Markdown is rendered) on the line before a fenced block. The test runs the block
 * as printed, so a quick start that is wrong in the docs fails it.
 */

export interface DocBlock {
  name: string
  lang: string
  code: string
  /** Where it is, for failure messages: `docs/runtimes.md:42`. */
  at: string
}

const MARKED = /^<!-- quickstart:([\w-]+) -->\n```(\w*)\n([\s\S]*?)\n```$/gm

export function docBlocks(file: string): Map<string, DocBlock> {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const blocks = new Map<string, DocBlock>()
  for (const match of text.matchAll(MARKED)) {
    const [, name = '', lang = '', code = ''] = match
    if (blocks.has(name)) throw new Error(`${file}: two blocks are marked quickstart:${name}`)
    const line = text.slice(0, match.index).split('\n').length
    blocks.set(name, { name, lang, code, at: `${file}:${line + 1}` })
  }
  return blocks
}

/** The marked block, or an error naming the marker the docs lost. */
export function block(file: string, name: string): DocBlock {
  const found = docBlocks(file).get(name)
  if (!found) throw new Error(`${file} has no block marked <!-- quickstart:${name} --> before its fence`)
  return found
}

/** A shell block's commands: one per line, `\` continuations joined, blank lines and comments dropped. */
export function shellCommands(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}

/** The packages an install command names (`npm install`, `npm install -D`, `bun add`, `bun add -d`), comment dropped. */
export function installedNames(command: string): { dev: boolean; names: string[] } | undefined {
  const match = /^(?:npm install|bun add)((?:\s+[^\s#]+)+)/.exec(command)
  if (!match) return undefined
  const words = (match[1] as string).trim().split(/\s+/)
  const dev = words.some((w) => w === '-D' || w === '-d' || w === '--save-dev' || w === '--dev')
  return { dev, names: words.filter((w) => !w.startsWith('-')) }
}
