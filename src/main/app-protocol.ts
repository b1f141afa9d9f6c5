/**
 * The built renderer is served from app://penwright/ rather than file://:
 * its responses carry the Content-Security-Policy header, and a page that
 * asks for a path outside the bundle (../, encoded slashes, a NUL) gets a
 * 404 instead of the writer's files. Path resolution is a plain function so
 * it is tested without Electron.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { APP_ORIGIN } from './security';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** The file under `root` that an app:// URL names, or null when it names nothing we serve. */
export function resolveAppUrl(url: string, root: string): string | null {
  if (!url.startsWith(`${APP_ORIGIN}/`)) return null;
  let pathname: string;
  try {
    const parsed = new URL(url);
    // encoded separators would let one segment climb out after decoding
    if (/%2f|%5c|%00/i.test(parsed.pathname)) return null;
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\\') || pathname.includes('\0')) return null;
  const base = resolve(root);
  const file = resolve(base, `.${pathname === '/' ? '/index.html' : pathname}`);
  return file.startsWith(base + sep) ? file : null;
}

/** The response for an app:// request: the file with its type and the CSP, or a 404. */
export async function appProtocolResponse(url: string, root: string, csp: string): Promise<Response> {
  const notFound = () => new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  const file = resolveAppUrl(url, root);
  if (!file) return notFound();
  try {
    // a link inside the bundle must not lead out of it
    const [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
    if (!real.startsWith(realRoot + sep) || !(await stat(real)).isFile()) return notFound();
    const body = await readFile(real);
    return new Response(body, {
      headers: {
        'Content-Type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch {
    return notFound();
  }
}
