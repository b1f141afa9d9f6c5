/**
 * App-level shortcuts (the editor's own keys live in its keymaps). The same
 * table serves the keyboard and the native menu's commands.
 */
import type { MenuCommand } from '../../../shared/ipc-contract';

export function commandForKey(e: KeyboardEvent, mac: boolean): MenuCommand | null {
  const mod = mac ? e.metaKey : e.ctrlKey;
  if (!mod || e.altKey) return null;
  const key = e.key.toLowerCase();
  if (!e.shiftKey) {
    if (key === 'n') return 'file.new';
    if (key === 'o') return 'file.open';
    if (key === 's') return 'file.save';
    if (key === ',') return 'view.settings';
    return null;
  }
  if (key === 's') return 'file.saveAs';
  if (key === 'd') return 'view.compare';
  if (key === 'g') return 'view.suggestions';
  if (key === 't') return 'model.train';
  if (key === 'm') return 'model.switch';
  return null;
}
