/**
 * The security rules of the window's web session, in one place: the
 * Content-Security-Policy (also in index.html's meta tag), which URLs the
 * session may load and which count as our own renderer. The window's own
 * web preferences are written out where it is built (window.ts), where
 * scanners and reviewers look for them.
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

/**
 * Spell checking as you type: macOS uses the system's own checker; on Windows
 * and Linux Chromium's Hunspell checker downloads its dictionaries from
 * Google's servers on first use, and nothing may leave the writer's machine,
 * so there it stays off.
 */
export function spellcheckAllowed(platform: NodeJS.Platform): boolean {
  return platform === 'darwin';
}

/** The scheme and host the built renderer is served from (see app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://penwright`;
export const RENDERER_URL = `${APP_ORIGIN}/index.html`;

/**
 * The dev server's origin and its hot-reload socket's (same host and port,
 * ws:// or wss://), during `electron-vite dev` only.
 */
function devOrigins(devServerUrl: string | undefined): string[] {
  if (!devServerUrl) return [];
  try {
    const u = new URL(devServerUrl);
    const socket = `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`;
    return [u.origin, socket];
  } catch {
    return [];
  }
}

function sameOrigin(url: string, origin: string): boolean {
  return url === origin || url.startsWith(`${origin}/`) || url.startsWith(`${origin}?`);
}

/**
 * What the app's web session may load: its own bundle (app://penwright), and
 * in-memory data; during `electron-vite dev` also the dev server and its
 * hot-reload socket. Anything else (a stray http request from any part of
 * Chromium, a file:// read outside the bundle) is refused, a second wall
 * behind the CSP.
 */
export function isLocalUrl(url: string, devServerUrl?: string): boolean {
  if (devOrigins(devServerUrl).some((origin) => sameOrigin(url, origin))) return true;
  if (sameOrigin(url, APP_ORIGIN)) return true;
  return /^(data|blob|devtools):/i.test(url);
}

/** Our renderer: the built files behind app://penwright, or the dev server during `electron-vite dev`. */
export function isOwnRendererUrl(url: string | undefined, devServerUrl?: string): boolean {
  if (!url) return false;
  const dev = devOrigins(devServerUrl)[0];
  if (dev && sameOrigin(url, dev)) return true;
  return url === RENDERER_URL || url.startsWith(`${RENDERER_URL}?`) || url.startsWith(`${RENDERER_URL}#`);
}

/**
 * The policy sent with every response. During `electron-vite dev` the page
 * also talks to the dev server's hot-reload socket; Chromium's 'self' covers
 * ws: on the same host (CSP3), and index.html's meta policy, which a header
 * cannot loosen, relies on that. Naming the socket here too keeps the header
 * explicit about what dev allows.
 */
export function contentSecurityPolicy(devServerUrl?: string): string {
  const dev = devOrigins(devServerUrl);
  if (!dev.length) return CONTENT_SECURITY_POLICY;
  return CONTENT_SECURITY_POLICY.replace("connect-src 'self'", `connect-src 'self' ${dev.join(' ')}`);
}
