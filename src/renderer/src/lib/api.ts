/** The bridge to main, and turning its answers into values or sentences for the writer. */
import type { IpcError, IpcResult } from '../../../shared/ipc-contract';

export const api = () => window.penwright;

export class ApiError extends Error {
  constructor(readonly error: IpcError) {
    super(error.message);
  }
}

/** The value, or throws an ApiError carrying main's code and sentence. */
export async function unwrap<T>(result: Promise<IpcResult<T>>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new ApiError(r.error);
  return r.value;
}

export const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform);
