/**
 * The Electron e2e driver answers native dialogs by replacing methods of
 * Electron's `dialog` inside the app's main process. Without the Electron
 * binary that process cannot run here, so this checks the two halves meet:
 * the replacement, serialized the way Playwright sends it, against our real
 * dialogs module with a stand-in `dialog` object.
 */
import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({ dialog: {} as Record<string, unknown> }));
vi.mock('electron', () => electron);

const { electronDialogs } = await import('../../src/main/dialogs');
const { installDialogAnswers, pushDialogAnswer } = await import('../../e2e/electron-driver');

/** As Playwright ships a function to another process: its source text only. */
const shipped = <F>(fn: F): F => new Function(`return (${String(fn)})`)() as F;

describe('scripted native dialogs in the Electron driver', () => {
  it('answer our dialogs module with paths, several paths, or a cancel', async () => {
    shipped(installDialogAnswers)(electron);
    const push = shipped(pushDialogAnswer);
    const dialogs = electronDialogs(() => null);

    push(null, '/home/w/novel.md');
    expect(await dialogs.openDocument()).toBe('/home/w/novel.md');
    push(null, '/home/w/saved.md');
    expect(await dialogs.saveDocument('Untitled.md')).toBe('/home/w/saved.md');
    push(null, ['/home/w/a.txt', '/home/w/b.txt']);
    expect(await dialogs.pickCorpus(false)).toEqual(['/home/w/a.txt', '/home/w/b.txt']);
    push(null, null);
    expect(await dialogs.saveDocument('Untitled.md')).toBeNull();
    push(null, null);
    expect(await dialogs.importModel()).toBeNull();
    await expect(dialogs.exportModel('m.penwright')).rejects.toThrow(/did not script/);
  });
});
