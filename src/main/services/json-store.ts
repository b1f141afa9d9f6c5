/**
 * A small JSON file validated by a zod schema, written atomically. A damaged
 * file is set aside (never deleted: it may hold something the user wants) and
 * the defaults are used, with a notice saying so.
 */
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic } from './atomic-write';

export class JsonStore<S extends z.ZodType<object>> {
  private value: z.output<S> | undefined;
  /** Set when the file was damaged and replaced by defaults. */
  notice: string | null = null;

  constructor(
    readonly path: string,
    private readonly schema: S,
    private readonly label: string,
  ) {}

  async load(): Promise<z.output<S>> {
    let text: string | undefined;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch {
      // no file yet: defaults
    }
    if (text === undefined) return (this.value = this.schema.parse({}));
    let parsed: z.ZodSafeParseResult<z.output<S>> | undefined;
    try {
      parsed = this.schema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (parsed?.success) return (this.value = parsed.data);
    const aside = `${this.path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await fs.rename(this.path, aside).catch(() => {});
    this.notice = `Your ${this.label} file was damaged, so Penwright started from the defaults. The old file was kept as ${basename(aside)}.`;
    return (this.value = this.schema.parse({}));
  }

  get current(): z.output<S> {
    if (!this.value) throw new Error(`${this.label} not loaded`);
    return this.value;
  }

  async update(patch: Partial<z.output<S>>): Promise<z.output<S>> {
    const next = this.schema.parse({ ...this.current, ...patch });
    await writeFileAtomic(this.path, JSON.stringify(next, null, 2));
    this.value = next;
    return next;
  }
}
