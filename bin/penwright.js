#!/usr/bin/env node
// `penwright` for npm users. In a development checkout (the sources are here
// and tsx, a dev tool, is installed) the CLI runs from source, so it is always
// current; anywhere else it runs the build (`npm run build` writes
// out/main/cli.js), so an install needs no build tools at run time.
import { existsSync } from 'node:fs';

const source = new URL('../src/model/cli/main.ts', import.meta.url);
const built = new URL('../out/main/cli.js', import.meta.url);

async function loadTsx() {
  if (!existsSync(source)) return null;
  try {
    return await import('tsx/esm/api');
  } catch {
    return null;
  }
}

const tsx = await loadTsx();
if (tsx) {
  tsx.register();
  await import(source.href);
} else if (existsSync(built)) {
  await import(built.href);
} else {
  console.error('Penwright is not built yet: run `npm run build` in its folder, then try again.');
  process.exit(1);
}
