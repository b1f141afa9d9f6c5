/**
 * Issue 11 review: what a kill leaves behind (a save's hidden temporary file
 * beside the writer's document, the model library's `.importing-*` and
 * `.deleting-*` folders, the recovery folder's temporary files) is swept at
 * the next start, and nothing else: not what a running process is writing,
 * not the writer's own files, whatever their names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim, sweepTempFiles } from '../../src/main/services/leftovers';
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
    }
    writeFileSync(join(recovery, `.doc-1.json.${process.pid}.ab12cd41.tmp`), '{"half":');
    writeFileSync(join(recovery, `.doc-2.json.${live.pid}.ab12cd42.tmp`), '{"half":');
    writeFileSync(join(recovery, `.doc-3.json.${dead}.ab12cd43.tmp`), '{"half":');
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
    const release = claim(path);
    expect(await sweepTempFiles(dir)).toEqual([]);
    release();
    expect(await sweepTempFiles(dir)).toEqual([`.draft.md.${process.pid}.ab12cd44.tmp`]);
    expect(existsSync(path)).toBe(false);
  });
});
