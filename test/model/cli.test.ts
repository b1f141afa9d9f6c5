import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/model/text/corpus-manifest';
import { cleanGutenbergText } from '../../src/model/text/gutenberg';
import { aliceText, FIXTURE_CORPORA, tempDir } from '../helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'src', 'model', 'cli', 'main.ts');

/** The environment without a corpus folder of ours, so the tests see what a newcomer sees. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('PENWRIGHT_CORPUS' in extra)) delete env.PENWRIGHT_CORPUS;
  return env;
}

function penwright(...args: string[]) {
  return penwrightWith({}, ...args);
}

function penwrightWith(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: cleanEnv(env),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same without blocking this process (for a server the CLI talks to). */
function penwrightAsync(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Splits an npm script the way a POSIX shell would for plain words and double quotes. */
function shellWords(script: string): string[] {
  return [...script.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] ?? m[2]).replace(/\\(.)/g, '$1'));
}

describe('penwright CLI', () => {
  const tmp = tempDir();
  const corpus = join(tmp.path, 'story.txt');
  const modelDir = join(tmp.path, 'model');
  beforeAll(() => writeFileSync(corpus, aliceText(20_000)));
  afterAll(() => tmp.cleanup());

  it('prints usage and exits non-zero on wrong arguments', () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['train', corpus],
      ['train', corpus, '--out', modelDir],
      ['train', corpus, '--out', modelDir, '--steps', 'x'],
      ['suggest'],
      ['suggest', '--stop', 'never', 'hi'],
      ['suggest', '--temps', '0.2,abc', 'hi'],
      ['eval'],
      ['train', corpus, '--out', modelDir, '--steps', '1', '--size', 'XL'],
      ['train', corpus, '--manifest', 'm.tsv', '--out', modelDir, '--steps', '1'],
      ['fetch-corpus'],
    ]) {
      const r = penwright(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stdout + r.stderr, args.join(' ')).toMatch(/Usage:/);
    }
  });

  it('trains with JSON progress, then suggests, evaluates and describes the model', () => {
    const train = penwright(
      'train',
      corpus,
      '--out',
      modelDir,
      '--size',
      'S',
      '--steps',
      '6',
      '--eval-every',
      '3',
      '--json',
      '--skip-keystrokes',
    );
    expect(train.code, train.stderr).toBe(0);
    const events = train.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0].event).toBe('corpus');
    expect(events.filter((e) => e.event === 'progress' && e.phase === 'evaluating').length).toBe(2);
    const done = events.at(-1);
    expect(events.some((e) => e.event === 'keystrokes')).toBe(false);
    expect(done).toMatchObject({ event: 'done', steps: 6, stoppedBy: 'budget' });
    expect(done.valLoss).toBeGreaterThan(0);

    const suggest = penwright(
      'suggest',
      '--model',
      modelDir,
      '--temps',
      '0.2,0.8,1.2',
      '--chars',
      '16',
      '--seed',
      '4',
      '--json',
      'Alice was',
    );
    expect(suggest.code, suggest.stderr).toBe(0);
    const suggestions = JSON.parse(suggest.stdout);
    expect(suggestions.map((s: { temperature: number }) => s.temperature)).toEqual([0.2, 0.8, 1.2]);
    for (const s of suggestions) {
      expect(Object.keys(s).sort()).toEqual(['logprob', 'temperature', 'text']);
      expect([...s.text].length).toBeLessThanOrEqual(16);
    }

    const evaluation = penwright('eval', '--model', modelDir, corpus, '--json');
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const result = JSON.parse(evaluation.stdout);
    expect(result.bits_per_char).toBeCloseTo(result.nats_per_char / Math.LN2, 6);

    const info = penwright('info', modelDir);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/6 steps/);
  });

  it('suggests and describes with the bundled default model when no model is given', () => {
    const suggest = penwright(
      'suggest',
      '--seed',
      '3',
      '--chars',
      '30',
      '--stop',
      'sentence',
      '--json',
      'It was a dark and stormy',
    );
    expect(suggest.code, suggest.stderr).toBe(0);
    const out = JSON.parse(suggest.stdout);
    expect(out.map((s: { temperature: number }) => s.temperature)).toEqual([0.2, 0.5, 0.8, 1.2]);
    expect(out[0].text.length).toBeGreaterThan(0);
    const info = penwright('info', '--json');
    expect(info.code).toBe(0);
    const meta = JSON.parse(info.stdout);
    expect(meta.preset).toBe('M');
    expect(meta.weights.dtype).toBe('float16');
    expect(meta.metrics.valLoss).toBeLessThan(1.6);
  });

  it('explains a bad model folder and a bad corpus in one sentence, exit 1', () => {
    const r = penwright('suggest', '--model', tmp.path, 'hi');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a Penwright model/);
    const binary = join(tmp.path, 'x.txt');
    writeFileSync(binary, Buffer.from([0, 1, 2, 3]));
    const t = penwright('train', binary, '--out', join(tmp.path, 'm2'), '--steps', '1');
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/No usable text.*x\.txt.*binary/);
  });

  it('prints each command’s usage for --help and -h, and exits 0', () => {
    for (const command of ['train', 'suggest', 'eval', 'info', 'backend', 'fetch-corpus']) {
      for (const flag of ['--help', '-h']) {
        const r = penwright(command, flag);
        expect(r.code, `${command} ${flag}`).toBe(0);
        expect(r.stdout, `${command} ${flag}`).toMatch(new RegExp(`^Usage:\\n  penwright ${command}\\b`));
        expect(r.stderr).toBe('');
      }
    }
    // after other arguments too, and `help <command>` says the same
    expect(penwright('train', 'notes.md', '--out', 'x', '--help').stdout).toBe(penwright('train', '-h').stdout);
    expect(penwright('help', 'eval').stdout).toBe(penwright('eval', '--help').stdout);
    const top = penwright('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/penwright <command> --help/);
    // a wrong argument prints that command's usage (exit 2)
    const wrong = penwright('suggest', '--stop', 'never', 'hi');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^--stop must be .*\n\nUsage:\n {2}penwright suggest /);
  });

  it('eval, info, suggest and train --from take the bundled model without --model or as "default"', () => {
    const withoutModel = penwright('eval', corpus, '--json');
    expect(withoutModel.code, withoutModel.stderr).toBe(0);
    const result = JSON.parse(withoutModel.stdout);
    expect(result.model).toBe('Penwright default (English prose)');
    expect(result.nats_per_char).toBeLessThan(2);
    const named = penwright('eval', '--model', 'default', corpus, '--json');
    expect(JSON.parse(named.stdout)).toEqual(result);
    expect(penwright('info', 'default').stdout).toMatch(/^Penwright default \(English prose\)/);
    const suggest = penwright('suggest', '--model', 'default', '--chars', '8', '--seed', '1', 'Call me');
    expect(suggest.code, suggest.stderr).toBe(0);
    const small = join(tmp.path, 'small.txt');
    writeFileSync(small, aliceText(4000));
    const tuned = penwright('train', small, '--from', 'default', '--out', join(tmp.path, 'tuned'), '--steps', '1');
    expect(tuned.code, tuned.stderr).toBe(0);
    expect(tuned.stdout).toMatch(/Base model "Penwright default \(English prose\)" on the same text/);
    // what its ghost text would have saved on the held-out text, beside the base's (issue 13 item 7)
    expect(tuned.stdout).toMatch(
      /Typing [\d,]+ characters of your own writing it had not trained on, its ghost text would have saved you \d+% of your keystrokes; "Penwright default \(English prose\)" would have saved \d+%\./,
    );
  });

  it('works through npx from a folder inside the project, without the npm registry', () => {
    const r = spawnSync('npx', ['penwright', 'info', '--json'], {
      cwd: join(ROOT, 'src', 'model'),
      encoding: 'utf8',
      timeout: 120_000,
      shell: process.platform === 'win32',
      // an unreachable registry: npx must find the project's own bin
      env: cleanEnv({ npm_config_registry: 'http://127.0.0.1:9/', npm_config_update_notifier: 'false' }),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe('Penwright default (English prose)');
  });
});

describe('training on a corpus manifest (the default model’s recorded command)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const corpusDir = join(tmp.path, 'corpus');
  const manifest = join(tmp.path, 'tiny.tsv');
  const texts = { 'first.txt': aliceText(9000), 'second.txt': aliceText(4000).toUpperCase() };
  beforeAll(() => {
    mkdirSync(corpusDir);
    const rows = Object.entries(texts).map(([file, text], i) => {
      writeFileSync(join(corpusDir, file), text);
      return `${file}\t${i + 1}\tTitle ${i}\tAuthor\t${[...text].length}\t${sha256Hex(Buffer.from(text))}\tkeep-blank-lines`;
    });
    writeFileSync(manifest, `file\tgutenberg_id\ttitle\tauthor\tcharacters\tsha256\tcleaning\n${rows.join('\n')}\n`);
  });

  /** npm run train:default's arguments, with the manifest, output and budget swapped for tiny ones. */
  function recordedCommand(swaps: Record<string, string>): string[] {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const words = shellWords(scripts['train:default']);
    expect(words.slice(0, 3)).toEqual(['tsx', 'src/model/cli/main.ts', 'train']);
    const args = words.slice(2);
    for (const [flag, value] of Object.entries(swaps)) {
      const i = args.indexOf(flag);
      if (i >= 0) args[i + 1] = value;
      else args.push(flag, value);
    }
    return args;
  }

  it('npm run train:default names the manifest, not a folder outside the repository', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const words = shellWords(scripts['train:default']);
    expect(words[words.indexOf('--manifest') + 1]).toBe('resources/corpus/default.tsv');
    expect(scripts['train:default']).not.toMatch(/\.\.\//);
    expect(words).not.toContain('--corpus');
  });

  it('trains through the manifest: its texts in its order, from --corpus or PENWRIGHT_CORPUS', () => {
    const out = join(tmp.path, 'model');
    const args = recordedCommand({ '--manifest': manifest, '--out': out, '--steps': '2', '--eval-every': '1' });
    const r = penwrightWith({ PENWRIGHT_CORPUS: corpusDir }, ...args, '--json');
    expect(r.code, r.stderr).toBe(0);
    const corpusEvent = JSON.parse(r.stdout.split('\n')[0]);
    expect(corpusEvent.files.map((f: { path: string }) => f.path)).toEqual([
      join(corpusDir, 'first.txt'),
      join(corpusDir, 'second.txt'),
    ]);
    const meta = JSON.parse(readFileSync(join(out, 'penwright.json'), 'utf8'));
    expect(meta.corpus.files.map((f: { path: string }) => f.path)).toEqual(['first.txt', 'second.txt']);
    expect(meta.name).toBe('Penwright default (English prose)');
    expect(meta.weights.dtype).toBe('float16');

    const viaOption = penwright(
      ...recordedCommand({
        '--manifest': manifest,
        '--out': join(tmp.path, 'm2'),
        '--steps': '1',
        '--corpus': corpusDir,
      }),
    );
    expect(viaOption.code, viaOption.stderr).toBe(0);
    expect(viaOption.stdout).toMatch(/Manifest tiny\.tsv: 2 text\(s\) in .*, every sha256 as listed\./);
  });

  it('words gives a model saved before word lists its list, from the same manifest, leaving the weights as they were', () => {
    const out = join(tmp.path, 'old-model');
    const trained = penwright(
      ...recordedCommand({ '--manifest': manifest, '--out': out, '--steps': '1', '--corpus': corpusDir }),
    );
    expect(trained.code, trained.stderr).toBe(0);
    // as a model of format 1 was: no words.txt
    rmSync(join(out, 'words.txt'));
    const meta = JSON.parse(readFileSync(join(out, 'penwright.json'), 'utf8'));
    writeFileSync(join(out, 'penwright.json'), JSON.stringify({ ...meta, formatVersion: 1 }));
    const weights = readFileSync(join(out, 'weights.bin'));

    const r = penwright('words', '--model', out, '--manifest', manifest, '--corpus', corpusDir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(result.kept).toBeGreaterThan(10);
    expect(JSON.parse(readFileSync(join(out, 'penwright.json'), 'utf8')).formatVersion).toBe(2);
    const listed = readFileSync(join(out, 'words.txt'), 'utf8').split('\n').slice(1, -1);
    expect(listed).toHaveLength(result.kept);
    expect(readFileSync(join(out, 'weights.bin')).equals(weights)).toBe(true);
    expect(penwright('words', '--model', out).stderr).toMatch(/needs at least one file/);
  });

  it('without a corpus folder says in one sentence how to get one; a changed text is an error naming it', () => {
    const r = penwright(
      'train',
      '--manifest',
      'resources/corpus/default.tsv',
      '--out',
      join(tmp.path, 'x'),
      '--steps',
      '1',
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /needs the folder that holds its texts: give --corpus DIR or set PENWRIGHT_CORPUS .*npm run corpus:fetch -- --out DIR/,
    );
    const changed = join(tmp.path, 'changed');
    mkdirSync(changed);
    writeFileSync(join(changed, 'first.txt'), texts['first.txt']);
    writeFileSync(join(changed, 'second.txt'), `${texts['second.txt']}!`);
    const m = penwright(
      'train',
      '--manifest',
      manifest,
      '--corpus',
      changed,
      '--out',
      join(tmp.path, 'y'),
      '--steps',
      '1',
    );
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/second\.txt is not the text the manifest lists \(Title 1\): its sha256 is/);
    expect(existsSync(join(tmp.path, 'y'))).toBe(false);
  });
});

describe('penwright fetch-corpus', () => {
  it('fetches, cleans and checks the texts of a manifest from a site with gutenberg.org’s layout', async () => {
    const tmp = tempDir();
    const raw = readFileSync(join(FIXTURE_CORPORA, 'gutenberg-raw-sample.txt'));
    const cleaned = cleanGutenbergText(raw, 'keep-blank-lines');
    const requested: string[] = [];
    const server = createServer((req, res) => {
      requested.push(req.url ?? '');
      if (req.url === '/files/11/11-0.txt') res.end(raw);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const manifest = join(tmp.path, 'm.tsv');
      writeFileSync(
        manifest,
        'file\tgutenberg_id\ttitle\tauthor\tcharacters\tsha256\tcleaning\n' +
          `alice.txt\t11\tAlice\tLewis Carroll\t${[...cleaned].length}\t${sha256Hex(Buffer.from(cleaned))}\tkeep-blank-lines\n`,
      );
      const out = join(tmp.path, 'corpus');
      const r = await penwrightAsync('fetch-corpus', '--manifest', manifest, '--out', out, '--site', site);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/1 of 1 text\(s\) in place \(1 fetched, 0 already there\), 0 failed/);
      expect(readFileSync(join(out, 'alice.txt'), 'utf8')).toBe(cleaned);
      // a second run finds it in place and downloads nothing
      requested.length = 0;
      const again = await penwrightAsync('fetch-corpus', '--manifest', manifest, '--out', out, '--site', site);
      expect(again.stdout).toMatch(/\(0 fetched, 1 already there\)/);
      expect(requested).toEqual([]);
      // an edition that cleans to other bytes: exit 1, the file named, nothing written
      writeFileSync(
        manifest,
        readFileSync(manifest, 'utf8')
          .replace('keep-blank-lines', 'trim-blank-lines')
          .replace('alice.txt', 'alice-2.txt'),
      );
      const bad = await penwrightAsync('fetch-corpus', '--manifest', manifest, '--out', out, '--site', site);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/alice-2\.txt is not the text the manifest lists/);
      expect(existsSync(join(out, 'alice-2.txt'))).toBe(false);
    } finally {
      server.close();
      tmp.cleanup();
    }
  });
});
