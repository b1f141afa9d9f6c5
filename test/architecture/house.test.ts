/**
 * The house rules a newcomer relies on: every folder under src/ is named in
 * the README's layout, no source file grows past 300 lines without saying
 * why in its first 15, and the model core imports nothing of Electron, the
 * DOM or the app's other layers.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
const MAX_LINES = 300;

function walk(dir: string): { dirs: string[]; files: string[] } {
  const dirs: string[] = [];
  const files: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(e.parentPath, e.name);
    if (e.isDirectory()) dirs.push(path);
    else if (/\.(ts|svelte|mjs)$/.test(e.name)) files.push(path);
  }
  return { dirs, files };
}

const { dirs, files } = walk(SRC);

describe('the house', () => {
  it('names every source folder in the README’s layout', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const layout = readme.slice(readme.indexOf('Layout ('), readme.indexOf('- `e2e/`'));
    const missing = dirs
      .map((d) => relative(ROOT, d))
      // the renderer's own folders are named by their last part (`state/`, `lib/`)
      .filter((d) => d !== 'src/renderer/src')
      .filter((d) => {
        const name = d.split('/').pop()!;
        // named itself, or through a path inside it (`src/renderer/src/`)
        return !layout.includes(`\`${d}/`) && !layout.includes(`\`${name}/\``);
      });
    expect(missing).toEqual([]);
    // and every `src/...` path the layout names is still there
    const named = [...layout.matchAll(/`(src\/[\w./-]+?)\/?`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it(`keeps source files under ${MAX_LINES} lines, or says why at the top`, () => {
    const long = files
      .map((f) => ({ f: relative(ROOT, f), lines: readFileSync(f, 'utf8').trimEnd().split('\n') }))
      .filter(({ lines }) => lines.length > MAX_LINES)
      // the reason must say it is long on purpose, and why (a sentence, not a stray word)
      .filter(
        ({ lines }) =>
          !/\b(long|over \d+ lines)\b[^.]*\b(on purpose|because|one algorithm|why)\b/i.test(
            lines.slice(0, 15).join(' '),
          ),
      )
      .map(({ f, lines }) => `${f} (${lines.length})`);
    expect(long).toEqual([]);
  });

  it('keeps the model core free of Electron, the DOM and the app’s other layers', () => {
    const offenders = files
      .filter((f) => relative(SRC, f).startsWith('model/'))
      .flatMap((f) =>
        // static, side-effect and dynamic imports, and require
        [...readFileSync(f, 'utf8').matchAll(/(?:from |import\(?|require\()\s*'([^']+)'/g)]
          .map((m) => m[1])
          .filter((spec) => spec === 'electron' || /(^|\/)(main|renderer|preload)(\/|$)/.test(spec))
          .map((spec) => `${relative(ROOT, f)} imports ${spec}`),
      );
    expect(offenders).toEqual([]);
  });
});
