/**
 * A model per project: the folder a document belongs to (its key), what a
 * folder remembers, and how main and the renderer read it alike.
 */
import { z } from 'zod';

/**
 * The folder holding a file, from its path as main reports it (either
 * separator, so a Windows path works too); null for a path with no folder.
 */
export function folderOf(path: string): string | null {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return null;
  // the root itself ("/notes.md", "C:\notes.md") keeps its separator
  return cut === 0 || path[cut - 1] === ':' ? path.slice(0, cut + 1) : path.slice(0, cut);
}

/** What a folder remembers: the model chosen while writing there, and whether suggestions come as you type. */
export const folderPreferenceSchema = z
  .object({ modelId: z.string().min(1).max(200).optional(), suggest: z.boolean().optional() })
  .strict();
export type FolderPreference = z.infer<typeof folderPreferenceSchema>;
/** The most folders remembered; the least recently changed go first. */
export const MAX_FOLDER_PREFERENCES = 500;

/** What the folder holding `path` remembers (nothing for an unsaved document). */
export function folderPreference(
  prefs: Readonly<Record<string, FolderPreference>> | undefined,
  path: string | null | undefined,
): FolderPreference {
  const folder = path ? folderOf(path) : null;
  return (folder && prefs && Object.hasOwn(prefs, folder) ? prefs[folder] : undefined) ?? {};
}
