/**
 * An older processor gets a kernel it can run. Under Debian's qemu-user, Node
 * runs on an emulated Haswell (AVX2 and FMA, no AVX-512) and on a plain
 * x86-64 (SSE2 only): the selector must pick avx2 and baseline there, and the
 * picked kernel must compute the host's gradients. The negative control shows
 * the emulation is real: the AVX-512 build, forced there, dies of an illegal
 * instruction.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_DIR, nativeSkipReason, RELEASE_DIR, runnableVariants } from './native-helpers';

function findQemu(): string | null {
  const probe = spawnSync('qemu-x86_64', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? 'qemu-x86_64' : null;
}

const qemu = process.arch === 'x64' ? findQemu() : null;
const why =
  nativeSkipReason ??
  (process.arch !== 'x64'
    ? 'the variants are x86-64 builds'
    : qemu
      ? null
      : 'qemu-user is not installed (apt-get install qemu-user)');
if (why && !nativeSkipReason) {
  if (process.env.PENWRIGHT_REQUIRE_NATIVE === '1') throw new Error(`PENWRIGHT_REQUIRE_NATIVE=1 but ${why}`);
  console.log(`SKIPPED CPU-variant tests: ${why}`);
}

/** Loads the kernel the selector picks (or `file`), trains one small batch, prints variant and loss. */
const PROBE = `
const native = require(${JSON.stringify(join(NATIVE_DIR, 'index.cjs'))});
const file = process.argv[1];
const kernel = file ? require(file) : native.load().kernel;
const net = { vocab: 13, embed: 4, hidden: [8, 6] };
let total = 13 * 4, inputs = 4;
for (const h of net.hidden) { total += inputs * 4 * h + h * 4 * h + 4 * h; inputs = h; }
total += inputs * 13 + 13;
const params = Float32Array.from({ length: total }, (_, i) => Math.sin(i) * 0.3);
const grads = new Float32Array(total);
const ids = Int32Array.from({ length: 15 }, (_, i) => (i * 5) % 13);
const loss = kernel.gradients(net, params, grads, ids, ids.map((x) => (x + 1) % 13), 3, 5, 0.2, Int32Array.of(1, 2, 3));
console.log(JSON.stringify({ variant: kernel.variant, loss, grad: grads.reduce((a, b) => a + Math.abs(b), 0) }));
`;

function probe(
  cpu: string | null,
  file = '',
): {
  status: number | null;
  signal: string | null;
  result?: { variant: string; loss: number; grad: number };
  stderr: string;
} {
  const args = ['-e', PROBE, '--', file];
  const run = cpu
    ? spawnSync(qemu!, ['-cpu', cpu, process.execPath, ...args], { encoding: 'utf8', timeout: 120_000 })
    : spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
  const line = run.stdout.trim().split('\n').at(-1);
  return {
    status: run.status,
    signal: run.signal,
    result: run.status === 0 && line ? JSON.parse(line) : undefined,
    stderr: run.stderr,
  };
}

describe.skipIf(why !== null)('kernel variants on older processors (qemu-user)', () => {
  const host = () => probe(null, join(RELEASE_DIR, 'kernel_baseline.node')).result!;

  for (const [cpu, expected] of [
    ['Haswell', 'avx2'],
    ['qemu64', 'baseline'],
  ] as const) {
    it(`picks ${expected} on ${cpu} and computes the host's gradients`, () => {
      const run = probe(cpu);
      expect(run.status, run.stderr).toBe(0);
      expect(run.result!.variant).toBe(expected);
      const want = host();
      expect(Math.abs(run.result!.loss - want.loss) / want.loss).toBeLessThan(1e-5);
      expect(Math.abs(run.result!.grad - want.grad) / want.grad).toBeLessThan(1e-4);
    }, 120_000);
  }

  it('(control) the AVX-512 build, forced onto Haswell, dies of an illegal instruction', (ctx) => {
    const avx512 = join(RELEASE_DIR, 'kernel_avx512.node');
    if (!existsSync(avx512) || !runnableVariants().some((v) => v.variant === 'avx512')) {
      console.log('SKIPPED control: this machine did not build or cannot run the AVX-512 kernel');
      ctx.skip();
    }
    const run = probe('Haswell', avx512);
    expect(run.status).not.toBe(0);
    expect(run.signal ?? run.stderr).toMatch(/SIGILL|Illegal instruction/i);
  }, 120_000);
});
