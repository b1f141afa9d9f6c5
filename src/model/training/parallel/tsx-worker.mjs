// Starts a TypeScript worker when running from source: Node 20 ignores
// `--import tsx` in a worker's execArgv, so the worker registers tsx itself.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.tsEntry);
