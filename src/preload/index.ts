/**
 * The bridge: `window.penwright`, one typed method per operation. The
 * renderer never sees ipcRenderer nor Electron's event objects, and may only
 * subscribe to the contract's events.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createApi, type WindowApi } from '../shared/api';
import { EVENT_NAMES } from '../shared/constants';
import type { Channel, EventName, IpcResult, RequestOf, Responses } from '../shared/ipc-contract';

const api = createApi({
  invoke: (channel: Channel, payload: unknown) => ipcRenderer.invoke(channel, payload) as Promise<IpcResult<unknown>>,
  subscribe: (event: EventName, listener: (payload: unknown) => void) => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown event ${event}`);
    const wrapped = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => ipcRenderer.removeListener(event, wrapped);
  },
});

const bridge: WindowApi = {
  ...api,
  // Training text dropped on the window: its path is read here, from the File
  // the drop produced, and only main learns it (the renderer's API has no way
  // to hand main a path to read).
  addDroppedFile: (file: File) => {
    let path = '';
    try {
      path = webUtils.getPathForFile(file);
    } catch {
      // not a File: nothing to add
    }
    const payload: RequestOf<'corpus:dropped'> = { paths: path ? [path] : [] };
    return ipcRenderer.invoke('corpus:dropped', payload) as Promise<IpcResult<Responses['corpus:dropped']>>;
  },
};

contextBridge.exposeInMainWorld('penwright', bridge);
