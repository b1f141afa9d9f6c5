/**
 * The security rules of the window, in one place: the Content-Security-Policy
 * (also in index.html's meta tag), which URLs count as our own renderer, and
 * the web preferences every window gets.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // CodeMirror and Svelte insert <style> elements at run time
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  // on where the platform allows it: see spellcheckAllowed
  spellcheck: false,
} as const;

/**
 * Spell checking as you type: macOS uses the system's own checker; on Windows
 * and Linux Chromium's Hunspell checker downloads its dictionaries from
 * Google's servers on first use, and nothing may leave the writer's machine,
 * so there it stays off.
 */
export function spellcheckAllowed(platform: NodeJS.Platform): boolean {
  return platform === 'darwin';
}

/**
 * What the app's web session may load: its own files and in-memory data, and
 * the dev server during `electron-vite dev`. Anything else (a stray http
 * request from any part of Chromium that goes through the session) is refused,
 * a second wall behind the CSP.
 */
export function isLocalUrl(url: string, devServerUrl?: string): boolean {
  if (devServerUrl && url.startsWith(devServerUrl)) return true;
  return /^(file|data|blob|devtools):/i.test(url);
}

/** Our renderer: the built files, or the dev server on loopback during `electron-vite dev`. */
export function isOwnRendererUrl(url: string | undefined, devServerUrl?: string): boolean {
  if (!url) return false;
  if (devServerUrl && url.startsWith(devServerUrl)) return true;
  return url.startsWith('file://') && /\/renderer\/index\.html(?:[?#].*)?$/.test(url);
}
