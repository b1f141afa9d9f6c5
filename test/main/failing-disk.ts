/**
 * A disk that fails under one file, in this process: node's FileHandle
 * methods are patched so that writes to that file (found by its inode, so
 * every name of a hard-linked file counts) fail the way a real disk fails:
 * full past a size (the part that fits is written, then ENOSPC), or an I/O
 * error halfway through a write (the first half lands, then EIO). A real full
 * disk or a failing one cannot be had in a test; the kernel's own behaviour
 * (a short write, then the error) is what is reproduced.
 */
import { fstatSync, promises as fs, statSync, writeSync } from 'node:fs';

type Method = (this: { fd: number }, ...args: unknown[]) => Promise<unknown>;

async function handlePrototype(): Promise<Record<string, Method>> {
  const probe = await fs.open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(probe) as Record<string, Method>;
  await probe.close();
  return proto;
}

const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

export interface DiskFailure {
  /** The file whose writes fail. */
  path: string;
  /** 'full': the file cannot grow past `limit` bytes. 'eio': the first write lands half, then fails. */
  kind: 'full' | 'eio';
  limit?: number;
}

/** Patches FileHandle's write and writeFile; answers the function that undoes it. */
export async function failWrites(failure: DiskFailure): Promise<() => void> {
  const proto = await handlePrototype();
  const ino = statSync(failure.path).ino;
  const { write, writeFile } = proto;
  let failed = false;
  /** The part of `bytes` at `position` that lands before the failure; then the error. */
  const fail = (fd: number, bytes: Uint8Array, position: number): Error | null => {
    if (fstatSync(fd).ino !== ino) return null;
    if (failure.kind === 'full') {
      const room = Math.max(0, (failure.limit ?? 0) - position);
      if (bytes.length <= room) return null;
      if (room > 0) writeSync(fd, bytes, 0, room, position);
      return errno('ENOSPC');
    }
    if (failed) return null;
    failed = true;
    writeSync(fd, bytes, 0, bytes.length >> 1, position);
    return errno('EIO');
  };
  const toBytes = (d: unknown) => (typeof d === 'string' ? Buffer.from(d) : (d as Uint8Array));
  proto.write = function (this: { fd: number }, ...args: unknown[]) {
    const buffer = toBytes(args[0]);
    if (typeof args[0] !== 'string' && typeof args[3] === 'number') {
      const offset = (args[1] as number | undefined) ?? 0;
      const length = (args[2] as number | undefined) ?? buffer.length - offset;
      const error = fail(this.fd, buffer.subarray(offset, offset + length), args[3]);
      if (error) return Promise.reject(error);
    }
    return write.apply(this, args);
  };
  proto.writeFile = function (this: { fd: number }, ...args: unknown[]) {
    // a handle's writeFile writes from where the handle is: a freshly opened one, from 0
    const error = fail(this.fd, toBytes(args[0]), 0);
    if (error) return Promise.reject(error);
    return writeFile.apply(this, args);
  };
  return () => {
    proto.write = write;
    proto.writeFile = writeFile;
  };
}
