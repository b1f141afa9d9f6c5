/**
 * A small JSON file validated by a zod schema, written atomically. A damaged
 * file is set aside (never deleted: it may hold something the user wants);
 * what can still be used of it is kept (one bad setting resets that setting,
 * not all of them), the rest takes its defaults, with a notice saying so.
 * Updates run one after another, each applied to the latest value, so
 * overlapping updates neither undo each other nor leave memory and disk
 * disagreeing.
 */
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { z } from 'zod';
import { isPenwrightError } from '../../../model/errors';
import { readRegularFile } from '../../../model/disk/safe-read';
import { writeFileAtomic } from '../atomic-write';
import { KeyedQueue } from '../keyed-queue';

const MAX_BYTES = 16 * 1024 * 1024;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export class JsonStore<S extends z.ZodType<object>> {
  private value: z.output<S> | undefined;
  private readonly queue = new KeyedQueue();
  /** Set when the file was damaged and (some of) it replaced by defaults. */
  notice: string | null = null;

  constructor(
    readonly path: string,
    private readonly schema: S,
    private readonly label: string,
  ) {}

  async load(): Promise<z.output<S>> {
    let text: string | undefined;
    try {
      text = (await readRegularFile(this.path, { maxBytes: MAX_BYTES })).bytes.toString('utf8');
    } catch (e) {
      // no file yet: defaults; anything else there (a folder, a pipe, a huge file) is damage
      if (isPenwrightError(e, 'FILE_NOT_FOUND')) return (this.value = this.schema.parse({}));
    }
    let raw: unknown;
    try {
      raw = text === undefined ? undefined : JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const parsed = this.schema.safeParse(raw);
    if (parsed.success) return (this.value = parsed.data);
    const aside = `${this.path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const salvaged = isPlainObject(raw) ? this.salvage(raw) : null;
    if (salvaged) {
      // a copy: until the repaired file is written, the original stays where it was
      await fs.copyFile(this.path, aside);
      await writeFileAtomic(this.path, JSON.stringify(salvaged.value, null, 2));
      const names = salvaged.dropped.map((k) => `“${k.slice(0, 40)}”`).join(', ');
      this.notice = `Part of your ${this.label} file could not be used (${names}), so ${salvaged.dropped.length === 1 ? 'that is' : 'those are'} back to the default; everything else was kept. The old file was kept as ${basename(aside)}.`;
      return (this.value = salvaged.value);
    }
    await fs.rename(this.path, aside).catch(() => {});
    this.notice = `Your ${this.label} file was damaged, so Penwright started from the defaults. The old file was kept as ${basename(aside)}.`;
    return (this.value = this.schema.parse({}));
  }

  /** The file without the top-level fields the schema refuses, if that leaves something valid. */
  private salvage(raw: Record<string, unknown>): { value: z.output<S>; dropped: string[] } | null {
    const kept = { ...raw };
    const dropped: string[] = [];
    for (let round = 0; round <= Object.keys(raw).length; round++) {
      const parsed = this.schema.safeParse(kept);
      if (parsed.success) return { value: parsed.data, dropped };
      const bad = new Set(parsed.error.issues.map((i) => i.path[0]));
      if ([...bad].some((k) => typeof k !== 'string' || !Object.hasOwn(kept, k))) return null;
      for (const k of bad as Set<string>) {
        delete kept[k];
        dropped.push(k);
      }
    }
    return null;
  }

  get current(): z.output<S> {
    if (!this.value) throw new Error(`${this.label} not loaded`);
    return this.value;
  }

  /**
   * Applies a change after every change before it has landed: a patch, or a
   * function of the value as it is then (for changes that build on it, such
   * as adding to a list).
   */
  async update(change: Partial<z.output<S>> | ((current: z.output<S>) => Partial<z.output<S>>)): Promise<z.output<S>> {
    return this.queue.run('update', async () => {
      const patch = typeof change === 'function' ? change(this.current) : change;
      const next = this.schema.parse({ ...this.current, ...patch });
      await writeFileAtomic(this.path, JSON.stringify(next, null, 2));
      this.value = next;
      return next;
    });
  }
}
