/**
 * Issue 11 review: what a kill leaves behind (a save's hidden temporary file
 * beside the writer's document, the model library's `.importing-*` and
 * `.deleting-*` folders, the recovery folder's temporary files) is swept at
 * the next start, and nothing else: not what a running process is writing,
 * not the writer's own files, whatever their names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim, removeOwnTempFiles, sweepTempFiles } from '../../src/main/services/leftovers';
import { tempDir, useTestBackend } from '../helpers';
import { makeDefaultModel, startApp, type TestApp } from './app-harness';

/** The pid of a process that has ended (the system will not hand it out again for a while). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe.skipIf(process.platform === 'win32')('leftovers after a kill', () => {
  const tmp = tempDir();
  const defaultModel = join(tmp.path, 'default-model');
  const files = join(tmp.path, 'files');
  const userData = join(tmp.path, 'user-data');
  const models = join(userData, 'models');
  const recovery = join(userData, 'recovery');
  let app: TestApp;
  let live: ChildProcess;
  let dead: number;
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  /** Older than a write in progress can be (leftovers.ts: MIN_AGE_MS), as a killed run's are by the next start. */
  const hourAgo = new Date(Date.now() - 3600 * 1000);
  const aged = (path: string) => utimesSync(path, hourAgo, hourAgo);

  beforeAll(async () => {
    await useTestBackend();
    await makeDefaultModel(defaultModel);
    dead = await deadPid();
    // a running process (another Penwright, as far as a sweep can tell)
    live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)']);
    mkdirSync(files, { recursive: true });
    mkdirSync(models, { recursive: true });
    mkdirSync(recovery, { recursive: true });
    const novel = join(files, 'novel.md');
    writeFileSync(novel, 'The writer’s novel.');
    for (const name of [
      `.novel.md.${dead}.ab12cd34.tmp`, // a killed save's
      `.novel.md.${process.pid}.ab12cd35.tmp`, // an earlier life of this pid's
      `.novel.md.${live.pid}.ab12cd36.tmp`, // a running process's
      `.novel.md.${live.pid}.ab12cd37.tmp`, // the same pid's, untouched for two days: a stranger reused it
      `.other.md.${dead}.ab12cd38.tmp`, // beside a file Penwright does not know
      '.novel.md.backup', // the writer's own
      'notes.tmp',
    ]) {
      writeFileSync(join(files, name), 'x');
      aged(join(files, name));
    }
    utimesSync(join(files, `.novel.md.${live.pid}.ab12cd37.tmp`), twoDaysAgo, twoDaysAgo);
    mkdirSync(join(files, `.novel.md.${dead}.ab12cd39.tmp`)); // a folder with that name: not ours
    writeFileSync(join(userData, 'state.json'), JSON.stringify({ recentFiles: [novel] }));
    for (const name of [
      `.importing-p${dead}-0a1b2c3d`,
      `.deleting-p${dead}-my-model-0a1b2c3d`,
      `.importing-p${process.pid}-0a1b2c3e`,
      '.importing-0a1b2c3f', // an older version's name, without a pid
      '.deleting-my-model-0a1b2c',
      `.importing-p${live.pid}-0a1b2c40`,
    ]) {
      mkdirSync(join(models, name));
      writeFileSync(join(models, name, 'weights.bin'), 'half a model');
      aged(join(models, name));
    }
    writeFileSync(join(recovery, `.doc-1.json.${process.pid}.ab12cd41.tmp`), '{"half":');
    writeFileSync(join(recovery, `.doc-2.json.${live.pid}.ab12cd42.tmp`), '{"half":');
    writeFileSync(join(recovery, `.doc-3.json.${dead}.ab12cd43.tmp`), '{"half":');
    for (const name of readdirSync(recovery)) aged(join(recovery, name));
    app = await startApp(tmp.path, defaultModel);
  });
  afterAll(async () => {
    live.kill();
    await app.services.shutdown();
    tmp.cleanup();
  });

  it('sweeps a killed save’s temporary file beside a recent document, and nothing of anyone else', async () => {
    await app.services.leftoversSwept;
    expect(readdirSync(files).sort()).toEqual(
      [
        '.novel.md.backup',
        `.novel.md.${live.pid}.ab12cd36.tmp`,
        `.novel.md.${dead}.ab12cd39.tmp`,
        `.other.md.${dead}.ab12cd38.tmp`,
        'notes.tmp',
        'novel.md',
      ].sort(),
    );
  });

  it('sweeps the library’s staging folders that no running process is using', async () => {
    await app.services.leftoversSwept;
    expect(readdirSync(models).sort()).toEqual([`.importing-p${live.pid}-0a1b2c40`]);
  });

  it('sweeps the recovery folder’s temporary files, a reused pid’s included, not a running process’s', async () => {
    await app.ok('recovery:list');
    expect(readdirSync(recovery).sort()).toEqual([`.doc-2.json.${live.pid}.ab12cd42.tmp`]);
  });

  it('never sweeps a temporary file this process is writing', async () => {
    const dir = join(tmp.path, 'busy');
    mkdirSync(dir);
    const path = join(dir, `.draft.md.${process.pid}.ab12cd44.tmp`);
    writeFileSync(path, 'half written');
    aged(path);
    const release = claim(path);
    expect(await sweepTempFiles(dir)).toEqual([]);
    release();
    expect(await sweepTempFiles(dir)).toEqual([`.draft.md.${process.pid}.ab12cd44.tmp`]);
    expect(existsSync(path)).toBe(false);
  });

  it('leaves a temporary file younger than ten minutes, a name Penwright never writes, and one claimed by another path (10)', async () => {
    const real = join(tmp.path, 'rules', 'real');
    const via = join(tmp.path, 'rules', 'via');
    mkdirSync(real, { recursive: true });
    symlinkSync(real, via);
    const names = {
      fresh: `.draft.md.${dead}.0a1b2c3d.tmp`, // a dead pid's, written a moment ago: perhaps a pid reused mid-write
      short: `.draft.md.${dead}.ab12.tmp`, // not our writer's 8 hex digits
      word: `.draft.md.${dead}.notes.tmp`,
      claimed: `.draft.md.${process.pid}.0a1b2c3e.tmp`, // claimed through the symlinked folder, swept through the real one
      gone: `.draft.md.${dead}.0a1b2c3f.tmp`,
    };
    for (const [what, name] of Object.entries(names)) {
      writeFileSync(join(real, name), 'x');
      if (what !== 'fresh') aged(join(real, name));
    }
    const release = claim(join(via, names.claimed));
    try {
      expect(await sweepTempFiles(real)).toEqual([names.gone]);
    } finally {
      release();
    }
    expect(readdirSync(real).sort()).toEqual([names.claimed, names.fresh, names.short, names.word].sort());
  });

  it('removes at once what a thread of ours left writing a file, once that thread is ended (9)', async () => {
    const dir = join(tmp.path, 'export');
    mkdirSync(dir);
    const ours = `.model.penwright.${process.pid}.0a1b2c3d.tmp`; // fresh: a sweep would wait ten minutes
    const theirs = `.model.penwright.${live.pid}.0a1b2c3e.tmp`;
    for (const name of [ours, theirs, 'model.penwright']) writeFileSync(join(dir, name), 'x');
    expect(await removeOwnTempFiles(join(dir, 'model.penwright'))).toEqual([join(dir, ours)]);
    expect(readdirSync(dir).sort()).toEqual([theirs, 'model.penwright'].sort());
  });
});
