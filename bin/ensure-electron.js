#!/usr/bin/env node
// Before `npm start` / `npm run dev`: fetch Electron's binary with Electron's
// own installer if it is not there yet. npm 11 runs no install script but
// those package.json allows, so `npm install` leaves it out; electron-vite
// only looks for it. Without internet access, say so in one sentence.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const installer = createRequire(import.meta.url).resolve('electron/install.js');
const result = spawnSync(process.execPath, [installer], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
if (result.status !== 0) {
  console.error(
    "Could not download Electron's binary, which the app needs (is this computer offline?).\n" +
      'The command line runs without it on the bundled model: npm run suggest -- "It was a dark and stormy night"',
  );
  if (process.env.DEBUG) console.error(result.stderr);
  process.exit(1);
}
