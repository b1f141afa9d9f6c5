/**
 * The bridge to main (`window.penwright`) and the one road its answers take
 * in the renderer: `call` gives the value, or tells the writer what went
 * wrong and gives undefined. A caller that answers an error itself (a save
 * that meets a changed file) names its code in `handle`. Values main sends
 * are never undefined (a cancelled dialog answers null), so undefined always
 * means "it failed, and the writer has been told".
 */
import type { WindowApi } from '../../../shared/api';
import type { IpcError, IpcErrorCode, IpcResult } from '../../../shared/ipc-contract';

export type ErrorHandlers<T> = {
  [C in IpcErrorCode]?: (error: IpcError) => T | undefined | Promise<T | undefined>;
};

export interface CallOptions<T> {
  /** Errors the caller answers itself, by code; the writer hears of the others. */
  handle?: ErrorHandlers<T>;
}

export class MainProcess {
  constructor(
    readonly api: WindowApi,
    /** Tells the writer (the notices). */
    private readonly report: (message: string) => void,
  ) {}

  async call<T>(answer: Promise<IpcResult<T>>, options: CallOptions<T> = {}): Promise<T | undefined> {
    let result: IpcResult<T>;
    try {
      result = await answer;
    } catch (e) {
      // the bridge itself failed (main gone, a channel missing): as an error from main
      result = { ok: false, error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } };
    }
    if (result.ok) return result.value;
    const handle = options.handle?.[result.error.code];
    if (handle) return handle(result.error);
    // superseded (a newer request, or its document closed: model/suggesting/superseding.ts): nothing went wrong
    if (result.error.code !== 'SUPERSEDED') this.report(result.error.message);
    return undefined;
  }
}
