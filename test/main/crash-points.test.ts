/**
 * Issue 11, done-when: kill the app at every file-system call of a writing
 * session (saves and autosaves, overlapping as they do in the app) and check
 * what the next start finds: the document is one whole version, the old one
 * or a new one, never a mix; no recovery record older than (or the same as)
 * what the file holds is offered; nothing a finished save or autosave held is
 * lost.
 *
 * The session (fixtures/crash-scenario.ts) runs in a child process through
 * the real document and recovery handlers (fixtures/crash-point-child.ts),
 * bundled once with esbuild so each of the few hundred kills costs a plain
 * node start, not a TypeScript loader's.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { RecoveryService } from '../../src/main/services/documents/recovery';
import { Rng } from '../../src/model/rng';
import { versionOf, versionText } from './fixtures/crash-scenario';

const SEED = 11;
/** Kill points drawn (seeded) from each kind of operation's calls. */
const POINTS_PER_KIND = 104;
/** tmpfs where there is one: a kill is not a power cut, so fsync buys nothing here and costs most of the time. */
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : undefined;

interface Outcome {
  crashAt: number;
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
}

function runChild(script: string, workDir: string, crashAt: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, workDir, String(crashAt), String(SEED)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== null && code !== 0) reject(new Error(`child failed at ${crashAt}: ${err}`));
      else resolve({ crashAt, lines: out.split('\n').filter(Boolean), code, signal });
    });
  });
}

/** What a restart finds in `workDir` after `outcome`: a list of what is wrong (empty: all is well). */
async function check(workDir: string, outcome: Outcome): Promise<string[]> {
  const problems: string[] = [];
  const at = `kill at call ${outcome.crashAt}`;
  const onDisk = versionOf(SEED, readFileSync(join(workDir, 'novel.md'), 'utf8'));
  if (onDisk === null) return [`${at}: novel.md is not one whole version`];
  const recovery = new RecoveryService(join(workDir, 'recovery'));
  const offered = await recovery.list();
  const recovered: number[] = [];
  for (const r of offered) {
    const v = versionOf(SEED, (await recovery.read(r.recoveryId)).text);
    if (v === null) problems.push(`${at}: a recovery record is not one whole version`);
    else if (v <= onDisk) problems.push(`${at}: stale recovery record (version ${v}; the file holds ${onDisk})`);
    else recovered.push(v);
  }
  if (offered.length > 1) problems.push(`${at}: ${offered.length} recovery records for one document`);
  // whatever finished before the kill is on disk or offered back
  const finished = outcome.lines.filter((l) => l.startsWith('done ')).map((l) => Number(l.split(' ')[2]));
  const kept = Math.max(onDisk, ...recovered);
  if (finished.length && kept < Math.max(...finished)) {
    problems.push(`${at}: version ${Math.max(...finished)} had finished, but only ${kept} is kept`);
  }
  const recoveryDir = join(workDir, 'recovery');
  const leftovers = existsSync(recoveryDir) ? readdirSync(recoveryDir).filter((n) => !n.endsWith('.json')) : [];
  if (leftovers.length) problems.push(`${at}: left in the recovery folder after a restart: ${leftovers.join(', ')}`);
  const state = join(workDir, 'state.json');
  if (existsSync(state)) {
    try {
      JSON.parse(readFileSync(state, 'utf8'));
    } catch {
      problems.push(`${at}: state.json is damaged`);
    }
  }
  return problems;
}

describe('crash points: a kill at any file-system call of a save or an autosave', () => {
  const tmp = { path: mkdtempSync(join(SCRATCH ?? tmpdir(), 'penwright-crash-')) };
  afterAll(() => rmSync(tmp.path, { recursive: true, force: true }));

  it('always leaves one whole version and no stale recovery record', { timeout: 180_000 }, async () => {
    const started = performance.now();
    const script = join(tmp.path, 'child.cjs');
    await build({
      entryPoints: [join(import.meta.dirname, 'fixtures', 'crash-point-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: script,
      logLevel: 'silent',
    });
    let runs = 0;
    const fresh = () => {
      const dir = join(tmp.path, `run-${runs++}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'novel.md'), versionText(SEED, 0));
      return dir;
    };
    // a run to the end counts the calls, and is itself checked
    const whole = fresh();
    const complete = await runChild(script, whole, 0);
    const calls = Number(complete.lines.find((l) => l.startsWith('calls '))?.split(' ')[1]);
    expect(calls).toBeGreaterThan(100);
    const problems = await check(whole, complete);
    expect(versionOf(SEED, readFileSync(join(whole, 'novel.md'), 'utf8'))).toBe(12);

    const trace = complete.lines.find((l) => l.startsWith('trace '))!.slice(6);
    expect(trace).toHaveLength(calls);
    // POINTS_PER_KIND calls of the saves and as many of the autosaves, drawn with a seed; a few while opening
    const rng = new Rng(SEED);
    const draw = (kind: string, n: number) => {
      const of = [...trace].flatMap((k, i) => (k === kind ? [i + 1] : []));
      for (let i = of.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [of[i], of[j]] = [of[j], of[i]];
      }
      return of.slice(0, n);
    };
    const points = [...draw('s', POINTS_PER_KIND), ...draw('a', POINTS_PER_KIND), ...draw('o', 6)].sort(
      (a, b) => a - b,
    );
    const killedIn = new Map<string, number>();
    const worker = async () => {
      for (let n = points.shift(); n !== undefined; n = points.shift()) {
        const dir = fresh();
        const outcome = await runChild(script, dir, n);
        const kill = outcome.lines.find((l) => l.startsWith('kill '));
        if (outcome.signal !== 'SIGKILL' || !kill) problems.push(`call ${n}: the child was not killed`);
        else {
          const kind = kill.split(' ')[1];
          killedIn.set(kind, (killedIn.get(kind) ?? 0) + 1);
        }
        problems.push(...(await check(dir, outcome)));
      }
    };
    await Promise.all([worker(), worker()]);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `crash points: ${calls} file-system calls in the session; ${runs - 1} kills (${killedIn.get('save') ?? 0} in saves, ${killedIn.get('autosave') ?? 0} in autosaves, ${killedIn.get('open') ?? 0} while opening) in ${seconds.toFixed(1)} s`,
    );
    expect(problems).toEqual([]);
    expect(killedIn.get('save')).toBeGreaterThanOrEqual(100);
    expect(killedIn.get('autosave')).toBeGreaterThanOrEqual(100);
  });
});
