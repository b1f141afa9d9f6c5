/**
 * ipcMain wiring: every channel of the contract goes to the handler table,
 * but only from our own window showing our own renderer; anything else is
 * answered FORBIDDEN. Payloads are validated inside `dispatch`.
 */
import type { IpcMain, WebContents } from 'electron';
import { CHANNELS, type IpcResult } from '../shared/ipc-contract';
import { isOwnRendererUrl } from './security';
import type { AppServices } from './services/app-services';

export function registerIpc(
  ipcMain: IpcMain,
  services: Pick<AppServices, 'dispatch'>,
  ownWebContents: () => WebContents | null,
  devServerUrl?: string,
): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, payload): Promise<IpcResult<unknown>> => {
      const own = ownWebContents();
      if (!own || event.sender !== own || !isOwnRendererUrl(event.senderFrame?.url, devServerUrl)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'This window may not use Penwright.' } };
      }
      return services.dispatch(channel, payload);
    });
  }
}
