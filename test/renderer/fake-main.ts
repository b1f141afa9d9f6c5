/**
 * A stand-in for main as the renderer's state sees it: the real API object
 * (createApi, as the preload builds it) over a transport that answers from a
 * table, records every request, and lets a test push events as main would.
 */
import { createApi, type WindowApi } from '../../src/shared/api';
import type { Channel, EventName, Events, IpcErrorCode, IpcResult, Responses } from '../../src/shared/ipc-contract';
import { MainProcess } from '../../src/renderer/src/state/main-process';

type Answer<C extends Channel> = (payload: never) => IpcResult<Responses[C]> | Promise<IpcResult<Responses[C]>>;
export type Answers = { [C in Channel]?: Answer<C> };

export const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });
export const fail = (code: IpcErrorCode, message = `${code} happened`): IpcResult<never> => ({
  ok: false,
  error: { code, message },
});

export function fakeMain(answers: Answers = {}) {
  const requests: { channel: Channel; payload: unknown }[] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const api: WindowApi = {
    ...createApi({
      invoke: async (channel, payload) => {
        requests.push({ channel, payload });
        const answer = answers[channel] as ((p: unknown) => IpcResult<unknown>) | undefined;
        return answer ? answer(payload) : fail('INTERNAL', `no answer for ${channel}`);
      },
      subscribe: (event, listener) => {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event)!.add(listener);
        return () => listeners.get(event)!.delete(listener);
      },
    }),
    addDroppedFile: async (file) => ok({ paths: [file.name] }),
  };
  const reported: string[] = [];
  return {
    api,
    main: new MainProcess(api, (message) => reported.push(message)),
    /** What the writer was told, in order. */
    reported,
    requests,
    /** How many requests went to `channel`. */
    count: (channel: Channel) => requests.filter((r) => r.channel === channel).length,
    /** Pushes an event, as main's webContents.send would. */
    emit: <E extends EventName>(event: E, payload: Events[E]) => listeners.get(event)?.forEach((l) => l(payload)),
    listening: (event: EventName) => listeners.get(event)?.size ?? 0,
  };
}
