/**
 * The native tests run where penwright-native built. Where it did not, they
 * are skipped with one line saying why, except under PENWRIGHT_REQUIRE_NATIVE=1
 * (CI sets it: there a missing kernel is a failure, not a skip).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { nativeKernel, type Kernel, type Variant } from '../../src/model/network/native-kernel';

export const NATIVE_DIR = join(import.meta.dirname, '..', '..', 'native');
export const RELEASE_DIR = join(NATIVE_DIR, 'build', 'Release');

const status = nativeKernel();
export const nativeSkipReason: string | null = status.available ? null : status.reason;

if (nativeSkipReason) {
  if (process.env.PENWRIGHT_REQUIRE_NATIVE === '1') {
    throw new Error(`PENWRIGHT_REQUIRE_NATIVE=1 but the native kernel does not load: ${nativeSkipReason}`);
  }
  console.log(`SKIPPED native kernel tests: ${nativeSkipReason}`);
}

const load = createRequire(import.meta.url);
const RANK: Record<Variant, number> = { baseline: 0, avx2: 1, avx512: 2 };

/** Every variant built here that this processor can run, each loaded from its own file. */
export function runnableVariants(): { variant: Variant; kernel: Kernel }[] {
  if (!status.available) return [];
  return (['baseline', 'avx2', 'avx512'] as Variant[])
    .filter((v) => RANK[v] <= RANK[status.supported] && existsSync(join(RELEASE_DIR, `kernel_${v}.node`)))
    .map((variant) => ({ variant, kernel: load(join(RELEASE_DIR, `kernel_${variant}.node`)) as Kernel }));
}
