/**
 * Crash recovery: the renderer sends unsaved text every few seconds and it is
 * written (atomically) to the recovery folder; a clean save or close removes
 * it. After a crash or a kill, the next start lists what is there and offers
 * it back.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { DocumentInfo, RecoveredDocument } from '../../shared/ipc-contract';
import { AppError } from './app-error';
import { writeFileAtomic } from './atomic-write';

const recordSchema = z.object({
  recoveryId: z.string(),
  title: z.string(),
  path: z.string().nullable(),
  encoding: z.enum(['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be']),
  lineEnding: z.enum(['lf', 'crlf']),
  savedAt: z.string(),
  text: z.string(),
});
export type RecoveryRecord = z.infer<typeof recordSchema>;

export class RecoveryService {
  constructor(private readonly dir: string) {}

  private file(id: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new AppError('BAD_REQUEST', 'Not a recovery id.');
    return join(this.dir, `${id}.json`);
  }

  async save(info: DocumentInfo, text: string): Promise<string> {
    const savedAt = new Date().toISOString();
    const record: RecoveryRecord = {
      recoveryId: info.docId,
      title: info.title,
      path: info.path,
      encoding: info.encoding,
      lineEnding: info.lineEnding,
      savedAt,
      text,
    };
    await writeFileAtomic(this.file(info.docId), JSON.stringify(record));
    return savedAt;
  }

  async list(): Promise<RecoveredDocument[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const out: RecoveredDocument[] = [];
    for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
      const record = await this.read(name.slice(0, -5)).catch(() => null);
      if (!record) continue; // a damaged record is left on disk, not offered
      out.push({
        recoveryId: record.recoveryId,
        title: record.title,
        path: record.path,
        savedAt: record.savedAt,
        characters: record.text.length,
        preview: record.text.slice(0, 200),
      });
    }
    return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  async read(id: string): Promise<RecoveryRecord> {
    let text: string;
    try {
      text = await fs.readFile(this.file(id), 'utf8');
    } catch {
      throw new AppError('NOT_FOUND', 'That recovered text is no longer there.');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = recordSchema.safeParse(json);
    if (!parsed.success) throw new AppError('FILE_ERROR', 'That recovered text is damaged and cannot be restored.');
    return parsed.data;
  }

  async discard(id: string): Promise<void> {
    await fs.rm(this.file(id), { force: true });
  }
}
