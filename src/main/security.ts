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
  spellcheck: true,
} as const;

/** Our renderer: the built files, or the dev server on loopback during `electron-vite dev`. */
export function isOwnRendererUrl(url: string | undefined, devServerUrl?: string): boolean {
  if (!url) return false;
  if (devServerUrl && url.startsWith(devServerUrl)) return true;
  return url.startsWith('file://') && /\/renderer\/index\.html(?:[?#].*)?$/.test(url);
}
