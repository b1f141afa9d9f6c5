/**
 * The terms of the app, declared once: the renderer, main and the model core
 * all import them from here (it imports nothing, so the sandboxed preload and
 * the model core can use it too).
 */

/** Network sizes a writer chooses between: S (1x128), M (2x256), L (3x512). */
export const SIZE_NAMES = ['S', 'M', 'L'] as const;
export type SizeName = (typeof SIZE_NAMES)[number];

export function isSizeName(name: string): name is SizeName {
  return (SIZE_NAMES as readonly string[]).includes(name);
}
