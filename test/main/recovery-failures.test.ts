/**
 * Data-safety review 3: recovered text is never hidden or locked away by a
 * failure around it. One file the sweep cannot remove does not stop the
 * listing (item 4); a restore that fails leaves the text restorable, not open
 * under its id for the rest of the session (item 8). Through the document
 * and recovery handlers as the app wires them (no model needed).
 */
import { existsSync, mkdirSync, promises as fsp, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createDocumentHandlers } from '../../src/main/services/documents/document-handlers';
import { tempDir } from '../helpers';

const record = (id: string, text: string) =>
  JSON.stringify({
    recoveryId: id,
    title: `${id}.md`,
    path: null,
    encoding: 'utf-8',
    lineEnding: 'lf',
    savedAt: new Date().toISOString(),
    text,
  });

describe('recovered text and failures around it', () => {
  const tmp = tempDir();
  let n = 0;
  afterAll(() => tmp.cleanup());
  afterEach(() => vi.restoreAllMocks());

  /** The handlers over a fresh recovery folder holding `records` (id: text). */
  const handlersWith = (records: Record<string, string>) => {
    const recoveryDir = join(tmp.path, `recovery-${n++}`);
    mkdirSync(recoveryDir);
    for (const [id, text] of Object.entries(records)) writeFileSync(join(recoveryDir, `${id}.json`), record(id, text));
    const { handlers, documents } = createDocumentHandlers({
      recoveryDir,
      dialogs: { openDocument: async () => null, saveDocument: async () => null },
      recent: { list: () => [], remember: async () => {}, forget: async () => {} },
    });
    return { handlers, documents, recoveryDir };
  };

  it('lists the recovered text even when something in the folder cannot be removed (4)', async () => {
    const { handlers, recoveryDir } = handlersWith({ 'doc-a': 'Text A.', 'doc-b': 'Text B.' });
    // a crashed save's marker that is not a file (a damaged disk, a stray folder): removing it fails
    mkdirSync(join(recoveryDir, 'doc-a.saving'));
    // a dead writer's temporary file, whose removal fails (a read-only moment of the disk)
    const temp = join(recoveryDir, `.doc-c.json.${process.pid}.0a1b2c3d.tmp`);
    writeFileSync(temp, '{"half":');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(temp, hourAgo, hourAgo);
    const rm = fsp.rm;
    vi.spyOn(fsp, 'rm').mockImplementation(async (path, options) => {
      if (String(path) === temp) throw Object.assign(new Error('EROFS: simulated'), { code: 'EROFS' });
      return rm(path, options);
    });
    const listed = await handlers['recovery:list']({});
    expect(listed.map((r) => r.preview).sort()).toEqual(['Text A.', 'Text B.']);
    expect(existsSync(temp)).toBe(true);
  });

  it('a restore that fails leaves the text restorable, not open under its id (8)', async () => {
    const { handlers, documents, recoveryDir } = handlersWith({ 'doc-r': 'The recovered chapter.' });
    // the restore's first autosave cannot be written (a full disk)
    const open = fsp.open;
    const spy = vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof open>) => {
      if (String(args[0]).startsWith(recoveryDir) && args[1] === 'wx') {
        throw Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' });
      }
      return open(...args);
    });
    await expect(handlers['recovery:restore']({ recoveryId: 'doc-r' })).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(documents.isOpen('doc-r')).toBe(false);
    expect(readdirSync(recoveryDir)).toContain('doc-r.json'); // the text is still there
    expect((await handlers['recovery:list']({})).map((r) => r.recoveryId)).toEqual(['doc-r']);
    // with room again, it restores
    spy.mockRestore();
    const doc = await handlers['recovery:restore']({ recoveryId: 'doc-r' });
    expect(doc.text).toBe('The recovered chapter.');
  });
});
