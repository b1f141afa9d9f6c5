#!/usr/bin/env node
// `npm run lint:electron`: Doyensec's Electronegativity over src/, failing on
// any finding of medium severity or worse except the generic "review the
// preload script" (PRELOAD_JS_CHECK), which every app with a preload gets.
// The Electron version is given so the scanner does not try to look it up
// online (it still tries to fetch translations and release lists, and carries
// on without them when offline).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ALLOWED = new Set(['PRELOAD_JS_CHECK']);
const SEVERE = new Set(['MEDIUM', 'HIGH', 'CRITICAL']);

const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const cli = join(require.resolve('@doyensec/electronegativity/package.json'), '..', 'dist', 'index.js');
const input = process.argv[2] ?? 'src';
const dir = mkdtempSync(join(tmpdir(), 'electronegativity-'));
const csv = join(dir, 'findings.csv');
try {
  const run = spawnSync(process.execPath, [cli, '-i', input, '-r', '-e', electronVersion, '-o', csv], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) {
    console.error(run.stdout, run.stderr);
    process.exit(run.status ?? 1);
  }
  const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
  // a finding's sample may span lines: keep the rows that start a finding
  const findings = rows
    .map((row) => {
      const [check, severity, confidence, file, location] = row.split(',').map((c) => c.replace(/^"|"$/g, ''));
      return { check, severity, confidence, file, location };
    })
    .filter((f) => /^[A-Z_]+_CHECK$/.test(f.check) && /^(INFORMATIONAL|LOW|MEDIUM|HIGH|CRITICAL)$/.test(f.severity));
  const blocking = findings.filter((f) => SEVERE.has(f.severity) && !ALLOWED.has(f.check));
  for (const f of blocking) console.error(`${f.severity} ${f.check} ${f.file}:${f.location}`);
  console.log(
    `electronegativity: ${findings.length} findings, ${blocking.length} of medium severity or worse (allowed: ${[...ALLOWED].join(', ')})`,
  );
  process.exit(blocking.length ? 1 : 0);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
