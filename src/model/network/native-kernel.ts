/**
 * The compiled training kernel (the optional `penwright-native` package, see
 * native/README.md): loaded once per thread on request, never on the app's
 * startup path. Where it is absent or does not load, `nativeKernel()` says
 * why and training runs on tfjs (wasm).
 */
import { createRequire } from 'node:module';
// types by path: they hold where npm left the optional package out
import type { Kernel, KernelNetwork, Variant } from '../../../native/index';
import type { NetworkConfig } from './config';

export type { Kernel, KernelNetwork, Variant };

export type NativeStatus =
  | { available: true; kernel: Kernel; variant: Variant; supported: Variant; file: string }
  | { available: false; reason: string };

// Not named `require`: see backend.ts (electron-vite declares its own).
const loadOptional = createRequire(import.meta.url);
let status: NativeStatus | undefined;

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
}

/** The kernel this processor runs best, or why there is none. */
export function nativeKernel(): NativeStatus {
  if (status) return status;
  try {
    const native = loadOptional('penwright-native') as typeof import('../../../native/index');
    status = { available: true, ...native.load() };
  } catch (e) {
    const reason = /Cannot find module 'penwright-native'/.test(firstLine(e))
      ? 'the penwright-native package is not installed (it is optional; npm skipped it)'
      : firstLine(e);
    status = { available: false, reason };
  }
  return status;
}

/** A label for people: "native (AVX-512)". */
export function nativeLabel(variant: Variant): string {
  const names: Record<Variant, string> = {
    baseline: process.arch === 'x64' ? 'x86-64' : process.arch,
    avx2: 'AVX2',
    avx512: 'AVX-512',
  };
  return `native (${names[variant] ?? variant})`;
}

export function kernelNetwork(config: NetworkConfig, vocabSize: number): KernelNetwork {
  return { vocab: vocabSize, embed: config.embedDim, hidden: [...config.hidden] };
}
