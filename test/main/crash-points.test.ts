/**
 * Issue 11, done-when: kill the app at every file-system call of a writing
 * session (saves and autosaves, overlapping as they do in the app), and of
 * the next start's (restoring the recovered text, Save As, saving there),
 * and of the session again with novel.md hard-linked (rewritten in place:
 * a kill may tear it, and then its text must be offered back), and check
 * what the start after the kill finds: each file is one whole
 * version, the old one or a new one, never a mix; no recovery record older
 * than (or the same as) what the files hold is offered, nor two; nothing a
 * finished save, autosave or restore held is lost.
 *
 * The session (fixtures/crash-scenario.ts) runs in a child process through
 * the real document and recovery handlers (fixtures/crash-point-child.ts),
 * bundled once with esbuild so each of the few hundred kills costs a plain
 * node start, not a TypeScript loader's.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecoveryService } from '../../src/main/services/documents/recovery';
import { MIN_AGE_MS } from '../../src/main/services/leftovers';
import { Rng } from '../../src/model/rng';
import { SAVED_AS, versionOf, versionText } from './fixtures/crash-scenario';

const SEED = 11;
/** Kill points drawn (seeded) from each kind of operation's calls. */
const POINTS_PER_KIND = 104;
/** In the session after a restore, fewer: it has fewer calls, and each kill costs a start. */
const POINTS_AFTER_RESTORE = 30;
/** With novel.md hard-linked (each kill costs a start). */
const POINTS_LINKED = 40;
/** tmpfs where there is one: a kill is not a power cut, so fsync buys nothing here and costs most of the time. */
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : undefined;

interface Outcome {
  crashAt: number;
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
}

type Phase = 'session' | 'linked' | 'restore';
/** The second name novel.md has in the `linked` phase. */
const OTHER_NAME = 'novel-elsewhere.md';

function runChild(script: string, workDir: string, crashAt: number, phase: Phase): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, workDir, String(crashAt), String(SEED), phase], {
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
async function check(workDir: string, outcome: Outcome, phase: Phase): Promise<string[]> {
  const problems: string[] = [];
  const at = `kill at call ${outcome.crashAt}`;
  // the document's files: novel.md, and what it was saved as (after a restore)
  const held: number[] = [];
  let torn = false;
  for (const name of ['novel.md', SAVED_AS]) {
    const path = join(workDir, name);
    if (!existsSync(path)) {
      if (name === 'novel.md') return [`${at}: novel.md is gone`];
      continue;
    }
    const v = versionOf(SEED, readFileSync(path, 'utf8'));
    // a hard-linked file is rewritten in place: a kill can tear it, and then its whole text must be offered back
    if (v === null && phase === 'linked') torn = true;
    else if (v === null) return [`${at}: ${name} is not one whole version`];
    else held.push(v);
  }
  if (
    phase === 'linked' &&
    readFileSync(join(workDir, OTHER_NAME), 'utf8') !== readFileSync(join(workDir, 'novel.md'), 'utf8')
  ) {
    problems.push(`${at}: the file's two names hold different texts`);
  }
  const onDisk = Math.max(-1, ...held);
  const recovery = new RecoveryService(join(workDir, 'recovery'));
  const offered = await recovery.list();
  const recovered: number[] = [];
  for (const r of offered) {
    const v = versionOf(SEED, (await recovery.read(r.recoveryId)).text);
    if (v === null) problems.push(`${at}: a recovery record is not one whole version`);
    else if (v <= onDisk)
      problems.push(`${at}: stale recovery record (version ${v}; the files hold ${held.join(', ')})`);
    else recovered.push(v);
  }
  if (offered.length > 1) problems.push(`${at}: ${offered.length} recovery records for one document`);
  if (torn && !recovered.length) problems.push(`${at}: novel.md is torn and no recovery record offers its text`);
  // whatever finished before the kill is on disk or offered back
  const finished = outcome.lines.filter((l) => l.startsWith('done ')).map((l) => Number(l.split(' ')[2]));
  const kept = Math.max(onDisk, ...recovered);
  if (finished.length && kept < Math.max(...finished)) {
    problems.push(`${at}: version ${Math.max(...finished)} had finished, but only ${kept} is kept`);
  }
  const recoveryDir = join(workDir, 'recovery');
  const left = () => (existsSync(recoveryDir) ? readdirSync(recoveryDir).filter((n) => !n.endsWith('.json')) : []);
  // the killed writer's temporary files are younger than a sweep takes (leftovers.ts: MIN_AGE_MS): a later start takes them
  const young = left().filter((n) => n.endsWith('.tmp'));
  const later = new Date(Date.now() - MIN_AGE_MS - 60_000);
  for (const name of young) utimesSync(join(recoveryDir, name), later, later);
  if (young.length) await new RecoveryService(recoveryDir).list();
  const leftovers = left();
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

describe('crash points: a kill at any file-system call of a save, an autosave, a Save As or a restore', () => {
  const tmp = { path: mkdtempSync(join(SCRATCH ?? tmpdir(), 'penwright-crash-')) };
  const script = join(tmp.path, 'child.cjs');
  let runs = 0;
  /** A session's complete run, with CRASH_AT=0: its folder, and what it printed. */
  let session: { dir: string; outcome: Outcome; calls: number } | undefined;
  beforeAll(async () => {
    await build({
      entryPoints: [join(import.meta.dirname, 'fixtures', 'crash-point-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: script,
      logLevel: 'silent',
    });
  });
  afterAll(() => rmSync(tmp.path, { recursive: true, force: true }));

  /** A fresh folder: novel.md at version 0, or a copy of `template`. */
  const fresh = (template?: string) => {
    const dir = join(tmp.path, `run-${runs++}`);
    if (template) cpSync(template, dir, { recursive: true });
    else {
      mkdirSync(dir);
      writeFileSync(join(dir, 'novel.md'), versionText(SEED, 0));
    }
    return dir;
  };
  /** A fresh folder whose novel.md has a second name. */
  const freshLinked = () => {
    const dir = fresh();
    linkSync(join(dir, 'novel.md'), join(dir, OTHER_NAME));
    return dir;
  };

  /** Runs `phase` to its end, then kills it at `perKind` calls drawn from each kind; answers the problems and the kills by kind. */
  async function killAll(phase: Phase, perKind: Record<string, number>, template?: string) {
    const started = performance.now();
    const whole = phase === 'linked' ? freshLinked() : fresh(template);
    const complete = await runChild(script, whole, 0, phase);
    const calls = Number(complete.lines.find((l) => l.startsWith('calls '))?.split(' ')[1]);
    const problems = await check(whole, complete, phase);
    if (phase === 'session') session = { dir: whole, outcome: complete, calls };
    const trace = complete.lines.find((l) => l.startsWith('trace '))!.slice(6);
    expect(trace).toHaveLength(calls);
    // calls drawn with a seed, from each kind's
    const rng = new Rng(SEED);
    const draw = (kind: string, n: number) => {
      const of = [...trace].flatMap((k, i) => (k === kind ? [i + 1] : []));
      for (let i = of.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [of[i], of[j]] = [of[j], of[i]];
      }
      return of.slice(0, n);
    };
    const points = Object.entries(perKind)
      .flatMap(([kind, n]) => draw(kind, n))
      .sort((a, b) => a - b);
    const killedIn = new Map<string, number>();
    const worker = async () => {
      for (let n = points.shift(); n !== undefined; n = points.shift()) {
        const dir = phase === 'linked' ? freshLinked() : fresh(template);
        const outcome = await runChild(script, dir, n, phase);
        const kill = outcome.lines.find((l) => l.startsWith('kill '));
        if (outcome.signal !== 'SIGKILL' || !kill) problems.push(`call ${n}: the child was not killed`);
        else {
          const kind = kill.split(' ')[1];
          killedIn.set(kind, (killedIn.get(kind) ?? 0) + 1);
        }
        problems.push(...(await check(dir, outcome, phase)));
      }
    };
    await Promise.all([worker(), worker()]);
    const seconds = (performance.now() - started) / 1000;
    const kills = [...killedIn].map(([k, n]) => `${n} in ${k}`).join(', ');
    console.log(`crash points (${phase}): ${calls} file-system calls; kills: ${kills}; ${seconds.toFixed(1)} s`);
    return { problems, killedIn, whole, calls };
  }

  it(
    'saves and autosaves always leave one whole version and no stale recovery record',
    { timeout: 180_000 },
    async () => {
      const { problems, killedIn, whole, calls } = await killAll('session', {
        s: POINTS_PER_KIND,
        a: POINTS_PER_KIND,
        o: 6,
      });
      expect(calls).toBeGreaterThan(100);
      expect(versionOf(SEED, readFileSync(join(whole, 'novel.md'), 'utf8'))).toBe(12);
      expect(problems).toEqual([]);
      expect(killedIn.get('save')).toBeGreaterThanOrEqual(100);
      expect(killedIn.get('autosave')).toBeGreaterThanOrEqual(100);
    },
  );

  it.skipIf(process.platform === 'win32')(
    'a hard-linked file, rewritten in place: a torn file is offered back whole, text typed during a save is kept (review 3)',
    { timeout: 120_000 },
    async () => {
      const { problems, killedIn, whole } = await killAll('linked', { s: POINTS_LINKED, a: POINTS_LINKED });
      expect(versionOf(SEED, readFileSync(join(whole, OTHER_NAME), 'utf8'))).toBe(12);
      expect(problems).toEqual([]);
      expect(killedIn.get('save')).toBeGreaterThanOrEqual(POINTS_LINKED);
    },
  );

  it(
    'so do restoring the recovered text, Save As and the saves after them (review)',
    { timeout: 120_000 },
    async () => {
      // the start after the session above: novel.md holds 12, the recovery record 15
      expect(session, 'the session test runs first').toBeDefined();
      const { problems, killedIn, whole } = await killAll(
        'restore',
        { r: POINTS_AFTER_RESTORE, S: POINTS_AFTER_RESTORE, s: 10, a: 10 },
        session!.dir,
      );
      expect(versionOf(SEED, readFileSync(join(whole, SAVED_AS), 'utf8'))).toBe(20);
      expect(problems).toEqual([]);
      expect(killedIn.get('restore')).toBeGreaterThanOrEqual(5);
      expect(killedIn.get('saveAs')).toBeGreaterThanOrEqual(POINTS_AFTER_RESTORE);
    },
  );
});
