/**
 * The native menus, as a plain template builder (testable without Electron).
 * Items send a MenuCommand to the renderer, which owns the document state.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/ipc-contract';
import { escapeMnemonic } from './context-menu';

export interface MenuContext {
  platform: NodeJS.Platform;
  appName: string;
  recentFiles: string[];
  send: (command: MenuCommand, path?: string) => void;
  clearRecent: () => void;
}

export function buildMenuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  // The renderer handles these shortcuts itself (also in the browser test
  // harness, which has no menu); the menu shows them without registering them.
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    registerAccelerator: false,
    click: () => ctx.send(command),
  });
  const recent: MenuItemConstructorOptions[] = ctx.recentFiles.length
    ? [
        ...ctx.recentFiles.map((path) => ({
          label: escapeMnemonic(path),
          click: () => ctx.send('file.openRecent', path),
        })),
        { type: 'separator' },
        { label: 'Clear Recent', click: ctx.clearRecent },
      ]
    : [{ label: 'No Recent Documents', enabled: false }];
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: ctx.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        item('Settings…', 'view.settings', 'Cmd+,'),
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push(
    {
      label: '&File',
      submenu: [
        item('New', 'file.new', 'CmdOrCtrl+N'),
        item('Open…', 'file.open', 'CmdOrCtrl+O'),
        { label: 'Open Recent', submenu: recent },
        { type: 'separator' },
        item('Save', 'file.save', 'CmdOrCtrl+S'),
        item('Save As…', 'file.saveAs', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        item('Export Authorship Report…', 'file.exportAuthorship'),
        { type: 'separator' },
        ...(mac ? [] : [item('Settings…', 'view.settings', 'Ctrl+,'), { type: 'separator' as const }]),
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        item('Compare Drafts', 'view.compare', 'CmdOrCtrl+Shift+D'),
        item('Suggestions Panel', 'view.suggestions', 'CmdOrCtrl+Shift+G'),
        item('Underline Suggested Text', 'view.authorship'),
        item('Surprise Map', 'view.surpriseMap'),
        item('Voice Check…', 'view.voiceCheck'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Model',
      submenu: [
        item('Train a Model…', 'model.train', 'CmdOrCtrl+Shift+T'),
        item('Switch Model…', 'model.switch', 'CmdOrCtrl+Shift+M'),
        item('Manage Models…', 'model.manage'),
        { type: 'separator' },
        item('Import Model…', 'model.import'),
        item('Export Model…', 'model.export'),
        { type: 'separator' },
        item('Keep What It Learned from This Document…', 'model.keepAdapted'),
      ],
    },
    { label: '&Help', role: 'help', submenu: [item(`About ${ctx.appName}`, 'help.about')] },
  );
  return template;
}
