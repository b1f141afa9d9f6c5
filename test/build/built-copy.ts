/**
 * The build output under test: the repository's own out/ (what `npm test`
 * has just built), or a copy of it with a defect planted on purpose, to prove
 * that a check fails when the build is broken (a test of the test).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export function requireBuild(root = ROOT): void {
  for (const entry of ['out/main/index.js', 'out/main/training-worker.js', 'out/main/gradient-worker.js']) {
    if (!existsSync(join(root, entry))) {
      throw new Error(`${entry} is missing: run \`npx electron-vite build\` first (npm test does).`);
    }
  }
}

/** Every JavaScript file under a folder, recursively. */
export function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(c|m)?js$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** Files that `node --check` rejects, with its first error line. */
export function syntaxErrors(files: string[]): { file: string; error: string }[] {
  const bad: { file: string; error: string }[] = [];
  for (const file of files) {
    const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    if (r.status !== 0) {
      const error = r.stderr.split('\n').find((l) => /Error/.test(l)) ?? r.stderr.trim();
      bad.push({ file: relative(ROOT, file), error });
    }
  }
  return bad;
}

/**
 * A chunk that index.js and both workers import (electron-vite names chunks
 * after a module in them, so the name is looked up, not assumed).
 */
export function sharedChunk(root = ROOT): string {
  const importsOf = (entry: string) =>
    new Set(
      [...readFileSync(join(root, 'out', 'main', entry), 'utf8').matchAll(/from "\.\/([^"]+\.js)"/g)].map((m) => m[1]),
    );
  const [a, b, c] = ['index.js', 'training-worker.js', 'gradient-worker.js'].map(importsOf);
  const shared = [...a].filter((f) => b.has(f) && c.has(f));
  if (!shared.length) throw new Error('no chunk shared by index.js and both workers');
  return `main/${shared[0]}`;
}

export interface BuiltCopy {
  root: string;
  /** Replaces `find` in a built file (a path under out/, a chunk matched by its name's start). */
  plant(file: string, find: string | RegExp, replacement: string): void;
  cleanup(): void;
}

/**
 * A copy of out/ in a temporary folder laid out like a checkout: resources/,
 * package.json and node_modules (linked) beside it, so the built code finds
 * what it finds in the repository.
 */
export function builtCopy(): BuiltCopy {
  requireBuild();
  const root = mkdtempSync(join(tmpdir(), 'penwright-planted-'));
  cpSync(join(ROOT, 'out'), join(root, 'out'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  symlinkSync(join(ROOT, 'resources'), join(root, 'resources'), 'dir');
  writeFileSync(join(root, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  return {
    root,
    plant(file, find, replacement) {
      const [dir, name] = [join(root, 'out', file, '..'), file.split('/').pop()!];
      const match = readdirSync(dir).find((f) => f === name || (f.startsWith(`${name}-`) && f.endsWith('.js')));
      if (!match) throw new Error(`no built file ${file}`);
      const path = join(dir, match);
      const before = readFileSync(path, 'utf8');
      const after = before.replace(find, replacement);
      // a plant that changes nothing would make its test pass for the wrong reason
      if (after === before) throw new Error(`could not plant the defect in ${file}: ${String(find)} not found`);
      writeFileSync(path, after);
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
