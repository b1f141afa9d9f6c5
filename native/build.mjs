// The install script: builds the kernel variants with node-gyp where a C++
// compiler is present, and never fails the install. Node's headers come from
// the running Node's own install (/usr/include/node on Debian, include/node
// beside bin/ in Node's tarballs), so the build needs no network. The outcome
// is written to build/outcome.json; where the build fails, `penwright backend`
// prints its reason and training runs on wasm.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function nodeGyp() {
  // npm gives its own bundled node-gyp to install scripts
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) {
    return [process.execPath, process.env.npm_config_node_gyp];
  }
  try {
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    return ['node-gyp'];
  }
}

/** The folder whose include/node holds the running Node's headers, if it has them. */
function nodeDir() {
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

function record(outcome) {
  mkdirSync(join(here, 'build'), { recursive: true });
  writeFileSync(
    join(here, 'build', 'outcome.json'),
    `${JSON.stringify({ ...outcome, at: new Date().toISOString() }, null, 2)}\n`,
  );
}

/** The line of node-gyp's output that says what went wrong (a compiler's error, or node-gyp's own). */
function failureLine(output) {
  const lines = output.split('\n').map((l) => l.trim());
  const compiler = lines.find((l) => !l.startsWith('gyp') && /error:|not found|No such file|command not found/.test(l));
  if (compiler) return compiler.slice(0, 300);
  const gyp = lines.find((l) => l.startsWith('gyp ERR! stack Error:'));
  if (gyp) return gyp.replace('gyp ERR! stack Error:', '').trim();
  return lines.filter(Boolean).slice(-1)[0] ?? 'no output';
}

const [command, ...prefixArgs] = nodeGyp();
const dir = nodeDir();
const args = [...prefixArgs, 'rebuild', `-j`, String(availableParallelism()), ...(dir ? [`--nodedir=${dir}`] : [])];
const started = Date.now();
const run = spawnSync(command, args, { cwd: here, encoding: 'utf8', timeout: 15 * 60 * 1000 });
const seconds = Math.round((Date.now() - started) / 1000);
const release = join(here, 'build', 'Release');
const built = existsSync(release)
  ? readdirSync(release)
      .filter((f) => f.endsWith('.node'))
      .map((f) => f.replace(/\.node$/, ''))
  : [];
if (run.status === 0 && built.includes('cpu_features') && built.includes('kernel_baseline')) {
  record({ ok: true, built, seconds, nodedir: dir ?? null });
  console.log(`penwright-native: built ${built.join(', ')} in ${seconds} s`);
} else {
  const output = `${run.stdout ?? ''}\n${run.stderr ?? ''}`;
  const reason = run.error
    ? `${command} could not run (${run.error.message})`
    : `node-gyp exited with ${run.status ?? run.signal}: ${failureLine(output)}`;
  record({ ok: false, reason, built, seconds, nodedir: dir ?? null });
  console.log(`penwright-native: not built (${reason}); training will use wasm`);
}
// never fail the install: the kernel is optional
process.exit(0);
