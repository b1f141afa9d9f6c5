/**
 * Plain constants of the IPC contract, free of imports so the sandboxed
 * preload and the renderer can use them without bundling zod.
 */
export const EVENT_NAMES = [
  'training:progress',
  'training:finished',
  'training:failed',
  'models:changed',
  'settings:changed',
  'menu:command',
  'app:closeRequested',
  'adaptation:changed',
] as const;
