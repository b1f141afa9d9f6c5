/**
 * The bridge: `window.penwright`, one typed method per operation. The
 * renderer never sees ipcRenderer nor Electron's event objects, and may only
 * subscribe to the contract's events.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createApi } from '../shared/api';
import { EVENT_NAMES } from '../shared/constants';
import type { Channel, EventName, IpcResult } from '../shared/ipc-contract';

const api = createApi({
  invoke: (channel: Channel, payload: unknown) => ipcRenderer.invoke(channel, payload) as Promise<IpcResult<unknown>>,
  subscribe: (event: EventName, listener: (payload: unknown) => void) => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown event ${event}`);
    const wrapped = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => ipcRenderer.removeListener(event, wrapped);
  },
});

contextBridge.exposeInMainWorld('penwright', {
  ...api,
  /** The path of a file dropped on the window (for adding training text by drag and drop). */
  pathForFile: (file: File) => webUtils.getPathForFile(file),
});
