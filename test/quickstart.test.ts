/**
 * Every command of the README's quick start, run as a newcomer types it.
 * `npm install` and `npm test` are run by CI itself (.ci/run, in a fresh clone
 * of the commit with nothing beside it), which this file checks; `npm start`
 * opens a window, so it runs here only where Electron's binary cannot be
 * fetched and must then fail with its one-sentence explanation.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinary } from '../e2e/electron-driver';

const ROOT = join(import.meta.dirname, '..');

/** The commands in the sh blocks of the README's "Quick start" section, comments removed. */
function quickStartCommands(readme: string): string[] {
  const start = readme.indexOf('\n## Quick start');
  if (start < 0) throw new Error('the README has no "## Quick start" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const commands: string[] = [];
  for (const block of section.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    for (const line of block[1].split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

const COMMANDS = quickStartCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const RUN_BY_CI = ['npm install', 'npm test'];

function run(command: string, env: Record<string, string> = {}) {
  const r = spawnSync(command, {
    cwd: ROOT,
    shell: true,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the README’s quick start', () => {
  it('is there and holds the commands a newcomer runs first', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['npm install', 'npm start', 'npm test']));
    expect(COMMANDS.some((c) => c.startsWith('npm run suggest -- '))).toBe(true);
  });

  it('npm install and npm test are what CI runs, in a fresh clone with nothing beside it', () => {
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/git clone [^\n]*"\$tmp\/penwright"/);
    for (const command of RUN_BY_CI) {
      expect(COMMANDS).toContain(command);
      expect(ci, command).toMatch(new RegExp(`^\\s*${command}\\b`, 'm'));
    }
  });

  it('npm start explains in one sentence what to do where Electron’s binary cannot be fetched', () => {
    expect(COMMANDS).toContain('npm start');
    if (electronBinary()) {
      console.log(
        'SKIPPED npm start: Electron’s binary is installed, so it would open the app (the Electron flows run it).',
      );
      return;
    }
    // a download that cannot succeed, whatever this computer's network: no mirror, an empty cache
    const cache = mkdtempSync(join(tmpdir(), 'penwright-electron-cache-'));
    try {
      const r = run('npm start', { ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /Could not download Electron's binary, which the app needs \(is this computer offline\?\)/,
      );
      expect(r.stderr).toMatch(/npm run suggest -- "It was a dark and stormy night"/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  for (const command of COMMANDS.filter((c) => !RUN_BY_CI.includes(c) && c !== 'npm start')) {
    it(`${command} exits 0`, () => {
      const r = run(command);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).not.toBe('');
      if (command.startsWith('npm run suggest')) {
        const lines = r.stdout.split('\n').filter((l) => l.startsWith('T='));
        expect(lines.map((l) => l.slice(0, 6))).toEqual(['T=0.20', 'T=0.50', 'T=0.80', 'T=1.20']);
      }
    });
  }
});
