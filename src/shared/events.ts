/**
 * The names of the events main pushes to the renderer. Kept free of imports
 * so the sandboxed preload can check subscriptions without bundling zod.
 */
export const EVENT_NAMES = [
  'training:progress',
  'training:finished',
  'training:failed',
  'models:changed',
  'settings:changed',
  'menu:command',
  'app:closeRequested',
] as const;
