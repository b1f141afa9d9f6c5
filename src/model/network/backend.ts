/**
 * Chooses the TensorFlow.js backend: tfjs-node (native, multi-threaded) when it
 * is installed and loads; else wasm with our kernel fixes; else the pure-JS cpu
 * backend. `backendReport()` says which one runs and why the better ones did
 * not, so the app and the CLI can show it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { installWasmKernelFixes } from './wasm-kernels';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendReport {
  /** The backend in use: `tensorflow` is tfjs-node. */
  name: BackendName;
  /** A user-facing label: "tfjs-node", "wasm" or "cpu". */
  label: string;
  /** Why each better backend was not used, in order of preference. */
  notUsed: { name: BackendName; reason: string }[];
}

export interface BackendOptions {
  /** Restrict the choice, e.g. tests force `wasm` or `cpu`. Default: best available. */
  prefer?: BackendName[];
  /** Folder holding the tfjs-backend-wasm `.wasm` files (packaged apps unpack them). */
  wasmDir?: string;
}

const LABELS: Record<BackendName, string> = { tensorflow: 'tfjs-node', wasm: 'wasm', cpu: 'cpu' };
let report: BackendReport | undefined;
let pending: Promise<BackendReport> | undefined;

// Not named `require`: electron-vite prepends its own `const require` to every
// built ES chunk that calls require(, and a second declaration is a syntax
// error that stops the built app before its window appears.
const loadOptional = createRequire(import.meta.url);

function message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0].slice(0, 200);
}

async function tryTfjsNode(): Promise<void> {
  // tfjs-node is an optional dependency whose install downloads libtensorflow;
  // where that failed, the package is absent and this throws.
  loadOptional('@tensorflow/tfjs-node');
  if (!(await tf.setBackend('tensorflow'))) throw new Error('tfjs-node loaded but its backend did not initialise');
}

async function tryWasm(wasmDir?: string): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (wasmDir) wasm.setWasmPaths(wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`);
  installWasmKernelFixes();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm module did not initialise');
}

async function tryCpu(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
}

async function choose(options: BackendOptions): Promise<BackendReport> {
  const order: BackendName[] = options.prefer ?? ['tensorflow', 'wasm', 'cpu'];
  const notUsed: BackendReport['notUsed'] = [];
  for (const name of order) {
    try {
      if (name === 'tensorflow') await tryTfjsNode();
      else if (name === 'wasm') await tryWasm(options.wasmDir);
      else await tryCpu();
      return { name, label: LABELS[name], notUsed };
    } catch (e) {
      const reason =
        name === 'tensorflow' && /Cannot find module/.test(message(e))
          ? '@tensorflow/tfjs-node is not installed (its install downloads libtensorflow, which failed or was skipped)'
          : message(e);
      notUsed.push({ name, reason });
    }
  }
  throw new Error(`No TensorFlow.js backend could start: ${notUsed.map((n) => `${n.name}: ${n.reason}`).join('; ')}`);
}

/**
 * Initialises the best backend once per process (or worker) and reports it.
 * Later calls return the first report; options only matter on the first call.
 */
export function initBackend(options: BackendOptions = {}): Promise<BackendReport> {
  if (report) return Promise.resolve(report);
  pending ??= choose(options).then((r) => (report = r));
  return pending;
}

/** The report of the running backend, or undefined before `initBackend`. */
export function backendReport(): BackendReport | undefined {
  return report;
}

/** Whether the backend wants our tanh-through-sigmoid workaround (wasm tanh is ~8x slower). */
export function preferSigmoidTanh(): boolean {
  return tf.getBackend() === 'wasm';
}
