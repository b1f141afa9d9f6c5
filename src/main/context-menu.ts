/**
 * The right-click menu every desktop editor has: the spell checker's
 * suggestions for a misspelt word (where spell checking is on), then cut,
 * copy, paste and select all, each enabled as the page reports. A plain
 * template builder, so it is tested without Electron.
 */
import type { ContextMenuParams, MenuItemConstructorOptions } from 'electron';

export type ContextMenuInfo = Pick<
  ContextMenuParams,
  'misspelledWord' | 'dictionarySuggestions' | 'isEditable' | 'selectionText' | 'editFlags'
>;

export interface ContextMenuActions {
  replaceMisspelling(word: string): void;
  addToDictionary(word: string): void;
}

/** How many spelling suggestions to offer (Chromium's own menu shows a handful). */
const MAX_SPELLING_SUGGESTIONS = 5;

export function contextMenuTemplate(info: ContextMenuInfo, actions: ContextMenuActions): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [];
  if (info.misspelledWord) {
    const suggestions = info.dictionarySuggestions.slice(0, MAX_SPELLING_SUGGESTIONS);
    for (const word of suggestions) {
      items.push({ label: escapeMnemonic(word), click: () => actions.replaceMisspelling(word) });
    }
    if (!suggestions.length) items.push({ label: 'No Spelling Suggestions', enabled: false });
    items.push(
      { label: 'Add to Dictionary', click: () => actions.addToDictionary(info.misspelledWord) },
      { type: 'separator' },
    );
  }
  const flags = info.editFlags;
  if (info.isEditable) {
    items.push({ role: 'cut', enabled: flags.canCut }, { role: 'copy', enabled: flags.canCopy });
    items.push({ role: 'paste', enabled: flags.canPaste });
  } else {
    items.push({ role: 'copy', enabled: flags.canCopy && info.selectionText.length > 0 });
  }
  items.push({ type: 'separator' }, { role: 'selectAll', enabled: flags.canSelectAll });
  return items;
}

/** Menu labels treat `&` as a mnemonic marker; text shown as it is needs `&&`. */
export function escapeMnemonic(label: string): string {
  return label.replace(/&/g, '&&');
}
