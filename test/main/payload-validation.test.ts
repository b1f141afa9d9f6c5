import { describe, expect, it } from 'vitest';
import { CHANNELS, MAX_DOCUMENT_CHARS, requestSchemas } from '../../src/shared/ipc-contract';
import { CONTEXT_LIMITS } from '../../src/shared/vocabulary';
import { useTestApp } from './app-harness';

/** A payload each channel accepts, so the hostile variants below differ in one way only. */
const VALID: Record<string, Record<string, unknown>> = {
  'app:confirmClose': { discardChanges: false },
  'documents:openRecent': { path: '/tmp/x.md' },
  'documents:save': { docId: 'doc-1', text: 'hi' },
  'documents:saveAs': { docId: 'doc-1', text: 'hi' },
  'documents:autosave': { docId: 'doc-1', text: 'hi' },
  'documents:close': { docId: 'doc-1' },
  'recovery:restore': { recoveryId: 'r-1' },
  'recovery:discard': { recoveryId: 'r-1' },
  'models:select': { modelId: 'default' },
  'models:rename': { modelId: 'm-1', name: 'Mine' },
  'models:delete': { modelId: 'm-1' },
  'models:export': { modelId: 'default' },
  'corpus:pick': { folders: true },
  'corpus:dropped': { paths: ['/tmp/a.txt'] },
  'corpus:summarize': { paths: ['/tmp/a.txt'] },
  'training:start': { name: 'x', paths: ['/tmp/a.txt'], baseModelId: null, budget: { steps: 1 } },
  'training:cancel': { jobId: 'j-1' },
  'training:resume': { jobId: 'j-1', budget: { minutes: 1 } },
  'suggestions:request': { docId: 'doc-1', draftColumn: 0, textBefore: 'abc', part: 'ghost' },
  'settings:update': { pauseMs: 100 },
  'authorship:load': { docId: 'doc-1' },
  'authorship:saved': { docId: 'doc-1', ranges: [[0, 1]] },
  'authorship:export': { docId: 'doc-1', text: 'hi', ranges: [[0, 1]] },
  'folders:opened': { docId: 'doc-1' },
  'folders:suggest': { docId: 'doc-1', suggest: false },
  'surprise:score': { docId: 'doc-1', purpose: 'map', compare: false, paragraphs: [{ context: '', text: 'hi' }] },
  'surprise:expected': { docId: 'doc-1', textBefore: 'abc' },
  'adaptation:keep': { docId: 'doc-1', name: 'Mine' },
};

/** Fields a request may leave out. */
const OPTIONAL = new Set(['settings:update.pauseMs', 'suggestions:request.draftColumn', 'suggestions:request.part']);

const OVERSIZED: Record<string, Record<string, unknown>> = {
  'documents:save': { docId: 'doc-1', text: 'x'.repeat(MAX_DOCUMENT_CHARS + 1) },
  'documents:autosave': { docId: 'doc-1', text: 'x'.repeat(MAX_DOCUMENT_CHARS + 1) },
  'suggestions:request': { docId: 'doc-1', textBefore: 'x'.repeat(CONTEXT_LIMITS.accepted + 1) },
  'corpus:summarize': { paths: Array.from({ length: 1001 }, (_, i) => `/tmp/${i}.txt`) },
  'corpus:dropped': { paths: Array.from({ length: 1001 }, (_, i) => `/tmp/${i}.txt`) },
  'models:rename': { modelId: 'm-1', name: 'n'.repeat(121) },
  'adaptation:keep': { docId: 'doc-1', name: 'n'.repeat(121) },
  'surprise:score': {
    docId: 'doc-1',
    purpose: 'map',
    compare: false,
    paragraphs: Array.from({ length: 65 }, () => ({ context: '', text: 'hi' })),
  },
  'documents:openRecent': { path: '/'.padEnd(5000, 'a') },
  'authorship:saved': { docId: 'doc-1', ranges: Array.from({ length: 20_001 }, (_, i) => [2 * i, 2 * i + 1]) },
  'authorship:export': { docId: 'doc-1', text: 'x'.repeat(MAX_DOCUMENT_CHARS + 1), ranges: [] },
  'training:start': { name: 'x', paths: ['/tmp/a.txt'], baseModelId: null, budget: { steps: 1e12 } },
};

describe('every channel validates its payload and answers a bad one with a typed error', () => {
  const { app } = useTestApp();

  it('knows every channel in the contract', () => {
    expect(Object.keys(requestSchemas).sort()).toEqual([...CHANNELS].sort());
    for (const c of Object.keys(VALID)) expect(CHANNELS).toContain(c);
  });

  for (const channel of CHANNELS) {
    it(channel, async () => {
      const valid = VALID[channel] ?? {};
      const bad: [string, unknown][] = [
        ['a string', 'hello'],
        ['a number', 42],
        ['an array', [valid]],
        ['an unknown field', { ...valid, sneaky: true }],
        [
          'a prototype-polluting field',
          JSON.parse(
            `{"__proto__": {"polluted": 1}${JSON.stringify(valid).slice(1) === '}' ? '}' : `, ${JSON.stringify(valid).slice(1)}`}`,
          ),
        ],
      ];
      for (const key of Object.keys(valid)) {
        const { [key]: _dropped, ...missing } = valid;
        if (!OPTIONAL.has(`${channel}.${key}`)) bad.push([`no ${key}`, missing]);
        const v = valid[key];
        const wrong = typeof v === 'string' ? 123 : v === null || typeof v === 'boolean' ? 42 : 'wrong';
        bad.push([`${key} of the wrong type`, { ...valid, [key]: wrong }]);
      }
      if (OVERSIZED[channel]) bad.push(['oversized', OVERSIZED[channel]]);
      for (const [what, payload] of bad) {
        const r = await app.call(channel, payload);
        if (r.ok) throw new Error(`${channel} accepted ${what}`);
        expect(r.error.code, `${channel}: ${what}`).toBe('BAD_REQUEST');
        expect(r.error.message.length).toBeGreaterThan(10);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('refuses unknown channels and never throws', async () => {
    for (const channel of ['nope', '__proto__', 'constructor', 'documents:open; rm -rf /']) {
      const r = await app.call(channel, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
  });

  it('refuses ids that could climb out of their folders', async () => {
    for (const [channel, payload] of [
      ['models:delete', { modelId: '../../etc' }],
      ['recovery:restore', { recoveryId: '../settings' }],
      ['training:cancel', { jobId: '../x' }],
    ] as const) {
      expect(await app.call(channel, payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
  });

  it('refuses a suggestion key that is no key, or that two commands would share, and keeps the keys it had', async () => {
    const mine = { acceptPhrase: 'Ctrl-Shift-,' };
    expect(await app.ok('settings:update', { keybindings: mine })).toMatchObject({ keybindings: mine });
    const notKey = await app.call('settings:update', { keybindings: { acceptWord: 'Ctrl-Nope' } });
    expect(notKey).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    if (!notKey.ok) expect(notKey.error.message).toMatch(/keybindings\.acceptWord.*“Ctrl-Nope” is not a key/);
    // Tab accepts the whole suggestion on every platform
    const shared = await app.call('settings:update', { keybindings: { ...mine, acceptWord: 'Tab' } });
    expect(shared).toEqual({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message:
          'Tab is already “Accept the whole suggestion”: give “Accept the next word” another key, or change that one first.',
      },
    });
    expect((await app.ok<{ settings: { keybindings: object } }>('settings:get', {})).settings.keybindings).toEqual(
      mine,
    );
  });
});
