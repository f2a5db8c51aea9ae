import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../plugins/errors.js';

/** Where `npm run build:web` writes the dashboard: `<package root>/dist/web` from src/ and from dist/. */
export function defaultDashboardDir(): string {
  return fileURLToPath(new URL('../../../dist/web', import.meta.url));
}

/**
 * Client-side routes of the dashboard. `/classifiers` and `/classifiers/{id}` are API routes too: a
 * browser navigation (Accept: text/html, no Authorization header) gets the app, an API client the JSON.
 */
const SPA_PATHS = /^\/(?:runs|review|classifiers|evaluation|webhooks|usage)(?:\/[^/]*)*\/?$/;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

// pdf.js runs in a worker from the same origin and draws on canvases; Mantine injects its CSS variables
// in a <style> element, hence 'unsafe-inline' for styles only. The key lives in sessionStorage, so
// scripts stay same-origin only.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "frame-src 'self'",
  "object-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function acceptsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}

function missingPage(dir: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Docsort</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Docsort is running; its dashboard is not built</h1>
<p>The API works (try <code>GET /health</code>). To get the dashboard, build it and restart:</p>
<pre>npm run build:web</pre>
<p>(<code>npm install</code>, <code>npm run build</code> and <code>npm start</code> build it too.)
Expected the built files in <code>${dir.replace(/[<>&]/g, '')}</code>.</p>
</body></html>`;
}

/**
 * Serves the built single-page dashboard: `index.html` for `/` and for the app's routes on browser
 * navigations, hashed files under `/assets/` with a year of caching. Registered on the root app (not
 * encapsulated) so its hook sees requests before the API's auth hook and the 404 handler.
 */
export function registerDashboard(app: FastifyInstance, dir: string): void {
  const root = path.resolve(dir);
  const assetsRoot = path.join(root, 'assets');

  async function sendIndex(reply: FastifyReply): Promise<FastifyReply> {
    let html: Buffer;
    try {
      html = await fs.readFile(path.join(root, 'index.html'));
    } catch {
      return reply
        .status(503)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(missingPage(root));
    }
    return (
      reply
        .header('content-type', 'text/html; charset=utf-8')
        // The file names of assets change with every build; index.html must be revalidated each time.
        .header('cache-control', 'no-cache')
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .send(html)
    );
  }

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    if (request.headers.authorization !== undefined || !acceptsHtml(request)) return;
    const pathname = request.url.split('?')[0] ?? '/';
    // A navigation to an app route, or to a path no route serves (the app shows its own "not found").
    if (SPA_PATHS.test(pathname) || request.routeOptions.url === undefined) {
      return sendIndex(reply);
    }
  });

  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));

  app.get<{ Params: { '*': string } }>('/assets/*', { schema: { hide: true } }, async (request, reply) => {
    const file = path.resolve(assetsRoot, request.params['*']);
    if (!file.startsWith(assetsRoot + path.sep)) {
      return sendError(reply, request, 'NOT_FOUND', 'No such dashboard asset.');
    }
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch {
      return sendError(reply, request, 'NOT_FOUND', 'No such dashboard asset.');
    }
    return (
      reply
        .header('content-type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream')
        // Vite puts a content hash in every asset name, so a name never changes meaning.
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(bytes)
    );
  });
}
