import { describe, expect, it } from 'vitest';
import { commandForKey, runCommand, type CommandTargets, type SidePanel } from '../../src/renderer/src/lib/commands';

/** Targets that remember what was done: the side panel as the window would show it, and each call. */
function window_(active: { modelId: string } | null = { modelId: 'default' }) {
  const done: string[] = [];
  let panel: SidePanel = 'none';
  const targets: CommandTargets = {
    document: {
      newDocument: async () => void done.push('new'),
      open: async () => void done.push('open'),
      openRecent: async (path) => void done.push(`openRecent ${path}`),
      save: async (as) => (done.push(as ? 'saveAs' : 'save'), true),
    },
    models: {
      active,
      importModel: async () => void done.push('import'),
      exportModel: async (id) => void done.push(`export ${id}`),
    },
    togglePanel: (p) => (panel = panel === p ? 'none' : p),
    openPanel: (p) => (panel = p),
    toggleCompare: () => void done.push('compare'),
    authorship: {
      toggleShown: () => void done.push('toggle authorship'),
      exportReport: () => void done.push('export authorship'),
    },
    toggleSurpriseMap: () => void done.push('surprise map'),
    about: () => void done.push('about'),
  };
  return { targets, done, panel: () => panel };
}

describe("the menu's model items", () => {
  it('Train a Model… opens the training panel, and leaves it open when it already is', () => {
    const w = window_();
    runCommand('model.train', w.targets, 'menu');
    expect(w.panel()).toBe('training');
    runCommand('model.train', w.targets, 'menu');
    expect(w.panel()).toBe('training');
  });

  it('Switch Model… and Manage Models… open the models panel; neither closes it', () => {
    const w = window_();
    runCommand('model.switch', w.targets, 'menu');
    expect(w.panel()).toBe('models');
    runCommand('model.manage', w.targets, 'menu');
    expect(w.panel()).toBe('models');
    runCommand('model.switch', w.targets, 'menu');
    expect(w.panel()).toBe('models');
  });

  it('Keep What It Learned from This Document… opens the models panel, where it is kept', () => {
    const w = window_();
    runCommand('model.keepAdapted', w.targets, 'menu');
    expect(w.panel()).toBe('models');
    runCommand('model.keepAdapted', w.targets, 'menu');
    expect(w.panel()).toBe('models');
    expect(w.done).toEqual([]);
  });

  it('Import Model… runs the import at once, whatever panel is open', () => {
    const w = window_();
    runCommand('model.manage', w.targets, 'menu');
    runCommand('model.import', w.targets, 'menu');
    expect(w.done).toEqual(['import']);
    expect(w.panel()).toBe('models'); // it used to close the panel instead
  });

  it('Export Model… exports the model in use', () => {
    const w = window_({ modelId: 'my-style' });
    runCommand('model.export', w.targets, 'menu');
    expect(w.done).toEqual(['export my-style']);
    expect(w.panel()).toBe('none');
  });

  it('Export Model… with no model in use shows the list to choose from', () => {
    const w = window_(null);
    runCommand('model.export', w.targets, 'menu');
    expect(w.done).toEqual([]);
    expect(w.panel()).toBe('models');
  });
});

describe('the shortcuts', () => {
  const key = (k: string, shift = false) => new KeyboardEventLike(k, shift) as unknown as KeyboardEvent;

  it('toggle their panel, as the toolbar buttons do', () => {
    const w = window_();
    const train = commandForKey(key('T', true), false)!;
    expect(train).toBe('model.train');
    runCommand(train, w.targets, 'keyboard');
    expect(w.panel()).toBe('training');
    runCommand(train, w.targets, 'keyboard');
    expect(w.panel()).toBe('none');
    runCommand(commandForKey(key('M', true), false)!, w.targets, 'keyboard');
    expect(w.panel()).toBe('models');
  });

  it('reach the document commands, and the same table serves the menu', () => {
    const w = window_();
    for (const k of ['n', 'o', 's']) runCommand(commandForKey(key(k), false)!, w.targets, 'keyboard');
    runCommand(commandForKey(key('S', true), false)!, w.targets, 'keyboard');
    runCommand('file.openRecent', w.targets, 'menu', '/home/a/story.md');
    expect(w.done).toEqual(['new', 'open', 'save', 'saveAs', 'openRecent /home/a/story.md']);
    expect(commandForKey(key('x'), false)).toBeNull();
  });
});

describe("the View menu's surprise map and voice check", () => {
  it('Surprise Map toggles the map; Voice Check… opens its panel and leaves it open', () => {
    const w = window_();
    runCommand('view.surpriseMap', w.targets, 'menu');
    runCommand('view.surpriseMap', w.targets, 'menu');
    expect(w.done).toEqual(['surprise map', 'surprise map']);
    runCommand('view.voiceCheck', w.targets, 'menu');
    expect(w.panel()).toBe('voice');
    runCommand('view.voiceCheck', w.targets, 'menu');
    expect(w.panel()).toBe('voice');
  });
});

/** Just what commandForKey reads of a KeyboardEvent (there is no DOM here). */
class KeyboardEventLike {
  readonly ctrlKey = true;
  readonly metaKey = false;
  readonly altKey = false;
  constructor(
    readonly key: string,
    readonly shiftKey: boolean,
  ) {}
}
