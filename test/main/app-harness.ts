/**
 * A real app back half over temporary folders: the services and handler table
 * as main builds them, scripted dialogs in place of Electron's, and the events
 * main would push to the window collected in a list.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { saveModel } from '../../src/model/storage/persistence';
import { createAppServices, type AppServices } from '../../src/main/services/app-services';
import { scriptedDialogs, type ScriptedDialogs } from './scripted-dialogs';

export { scriptedDialogs, type ScriptedDialogs };
import type { EventName, Events, IpcResult, TrainingJob } from '../../src/shared/ipc-contract';
import { aliceText, trainTiny } from '../helpers';

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

export async function startApp(
  root: string,
  defaultModelDir: string,
  extra: Partial<Parameters<typeof createAppServices>[0]> = {},
): Promise<TestApp> {
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
