/**
 * A real app back half over temporary folders: the services and handler table
 * as main builds them, scripted dialogs in place of Electron's, and the events
 * main would push to the window collected in a list. `useTestApp` is the
 * set-up most test files share.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { saveModel } from '../../src/model/storage/persistence';
import { createAppServices, type AppServices } from '../../src/main/services/app-services';
import { scriptedDialogs, type ScriptedDialogs } from './scripted-dialogs';

export { scriptedDialogs, type ScriptedDialogs };
import type { EventName, Events, IpcResult, TrainingJob } from '../../src/shared/ipc-contract';
import { aliceText, tempDir, trainTiny, useTestBackend } from '../helpers';

/** A small trained model standing in for the bundled default. */
export async function makeDefaultModel(dir: string): Promise<void> {
  const { model } = await trainTiny({ documents: [aliceText(15_000)], maxSteps: 25, name: 'Test default' });
  await saveModel(dir, model);
  for (const t of model.params.values()) t.dispose();
}

export interface TestApp {
  services: AppServices;
  dialogs: ScriptedDialogs;
  events: { event: EventName; payload: unknown }[];
  userData: string;
  call<T = unknown>(channel: string, payload?: unknown): Promise<IpcResult<T>>;
  /** Calls and expects success. */
  ok<T = unknown>(channel: string, payload?: unknown): Promise<T>;
  waitFor<E extends EventName>(event: E, timeoutMs?: number, predicate?: (p: Events[E]) => boolean): Promise<Events[E]>;
}

/** What a test may change in the services' options (a worker that hangs, a short time limit...). */
type AppOptions = Partial<Parameters<typeof createAppServices>[0]>;

export async function startApp(root: string, defaultModelDir: string, extra: AppOptions = {}): Promise<TestApp> {
  const userData = join(root, 'user-data');
  mkdirSync(userData, { recursive: true });
  const dialogs = scriptedDialogs();
  const events: TestApp['events'] = [];
  const listeners = new Set<() => void>();
  const services = await createAppServices({
    userDataDir: userData,
    defaultModelDir,
    dialogs,
    emit: (event, payload) => {
      events.push({ event, payload });
      for (const l of listeners) l();
    },
    version: '0.0.0-test',
    backend: { prefer: ['wasm'] },
    progressIntervalMs: 0,
    ...extra,
  });
  const app: TestApp = {
    services,
    dialogs,
    events,
    userData,
    call: (channel, payload) => services.dispatch(channel, payload) as never,
    ok: async (channel, payload) => {
      const r = await services.dispatch(channel, payload);
      if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
      return r.value as never;
    },
    waitFor: (event, timeoutMs = 60_000, predicate = () => true) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find((e) => e.event === event && predicate(e.payload as never));
          if (hit) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(hit.payload as never);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${event} within ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
  return app;
}

/**
 * For the surrounding describe: a temporary folder (`tmp.path`) with a small
 * default model in it (`defaultModel`, for apps a test starts itself), and an
 * app started on them in beforeAll, shut down and removed in afterAll. `app`
 * stands for that app from beforeAll on; hooks the describe adds run after
 * this set-up.
 */
export function useTestApp(extra: AppOptions = {}): { app: TestApp; tmp: { path: string }; defaultModel: string } {
  const tmp = tempDir();
  const defaultModel = join(tmp.path, 'default-model');
  let started: TestApp | undefined;
  const current = (): TestApp => {
    if (!started) throw new Error('the test app starts in beforeAll');
    return started;
  };
  beforeAll(async () => {
    await useTestBackend();
    await makeDefaultModel(defaultModel);
    started = await startApp(tmp.path, defaultModel, extra);
  });
  afterAll(async () => {
    await started?.services.shutdown();
    tmp.cleanup();
  });
  const app: TestApp = {
    get services() {
      return current().services;
    },
    get dialogs() {
      return current().dialogs;
    },
    get events() {
      return current().events;
    },
    get userData() {
      return current().userData;
    },
    call: (channel, payload) => current().call(channel, payload),
    ok: (channel, payload) => current().ok(channel, payload),
    waitFor: (event, timeoutMs, predicate) => current().waitFor(event, timeoutMs, predicate),
  };
  return { app, tmp: { path: tmp.path }, defaultModel };
}

/** The writer adds training text with the dialog: the only paths training may read. */
export async function chooseTrainingText(app: TestApp, paths: string[], folders = false): Promise<void> {
  app.dialogs.answers.push(paths);
  await app.ok('corpus:pick', { folders });
}

/** Chooses `paths` with the dialog and starts a small (S) model on them from scratch. */
export async function startTrainingOn(
  app: TestApp,
  paths: string[],
  job: { name: string; budget: { steps?: number; minutes?: number }; folders?: boolean },
): Promise<TrainingJob> {
  await chooseTrainingText(app, paths, job.folders);
  return app.ok<TrainingJob>('training:start', {
    name: job.name,
    paths,
    preset: 'S',
    baseModelId: null,
    budget: job.budget,
  });
}
