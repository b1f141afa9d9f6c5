/**
 * A module.register resolve hook: `import ... from 'electron'` in the built
 * main process gets the strict stand-in instead of Electron's npm package
 * (which, outside Electron, only exports the binary's path).
 */
const STAND_IN = new URL('./electron-stand-in.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: STAND_IN, shortCircuit: true };
  return nextResolve(specifier, context);
}
