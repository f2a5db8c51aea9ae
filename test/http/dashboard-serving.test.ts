import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const codeOf = async (res: Response) => ((await res.json()) as { code?: string }).code;

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** How the server hands out the dashboard without getting in the API's way (the SPA itself: test/e2e). */
describe.each(backends())('dashboard serving (%s)', (backend) => {
  let s: TestServer;
  let missing: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-dash-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><title>Docsort</title><div id="root"></div>',
    );
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(os.tmpdir(), 'docsort-dash-secret.txt'), 'secret');
    s = await startTestServer(backend, { dashboardDir: dir, worker: false });
    missing = await startTestServer(backend, {
      dashboardDir: path.join(dir, 'not-built'),
      worker: false,
    });
  });
  afterAll(async () => {
    await s?.stop();
    await missing?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(os.tmpdir(), 'docsort-dash-secret.txt'), { force: true });
  });

  const get = (server: TestServer, p: string, headers: Record<string, string> = {}) =>
    fetch(server.url + p, { headers });

  it('serves index.html at / with no-cache and a content security policy', async () => {
    const res = await get(s, '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<div id="root">');
  });

  it('answers browser navigations to app routes with index.html, the dashboardUrl included', async () => {
    for (const p of [
      '/runs',
      '/runs/clr_abc',
      '/review',
      '/classifiers',
      '/classifiers/cl_abc',
      '/runs?x=1',
    ]) {
      const res = await get(s, p, { accept: HTML });
      expect(res.status, p).toBe(200);
      expect(await res.text(), p).toContain('<div id="root">');
    }
    const run = await s.api('POST', '/classify_runs', {
      config: { classifications: [{ id: 'other', type: 'other', description: 'x' }] },
      file: { text: 'hello' },
    });
    const nav = await fetch(run.body.dashboardUrl, { headers: { accept: HTML } });
    expect(await nav.text()).toContain('<div id="root">');
  });

  it('keeps the API on the shared paths: JSON for API clients, 401 without a key', async () => {
    const list = await s.api('GET', '/classifiers', undefined, { accept: 'application/json' });
    expect(list.status).toBe(200);
    expect(list.body.object).toBe('list');
    // A key in the request means an API call even if it accepts HTML.
    const withKey = await s.api('GET', '/classifiers', undefined, { accept: HTML });
    expect(withKey.body.object).toBe('list');
    const noKey = await get(s, '/classifiers');
    expect(noKey.status).toBe(401);
    expect(await codeOf(noKey)).toBe('UNAUTHORIZED');
    const apiPath = await get(s, '/classify_runs', { accept: HTML });
    expect(apiPath.status).toBe(401);
  });

  it('keeps the 404 envelope for non-browser requests and non-GET methods', async () => {
    const res = await get(s, '/nope', { accept: 'application/json' });
    expect(res.status).toBe(404);
    expect(await codeOf(res)).toBe('NOT_FOUND');
    const post = await fetch(`${s.url}/runs`, { method: 'POST', headers: { accept: HTML } });
    expect(post.status).toBe(404);
    expect(await codeOf(post)).toBe('NOT_FOUND');
    // A browser gets the app, which shows its own "no such page".
    const page = await get(s, '/nope', { accept: HTML });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('serves hashed assets with a year of caching, and nothing outside the assets folder', async () => {
    const res = await get(s, '/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe('console.log(1)');
    for (const p of [
      '/assets/nope.js',
      '/assets/..%2findex.html',
      '/assets/..%2f..%2fdocsort-dash-secret.txt',
    ]) {
      const bad = await get(s, p);
      expect(bad.status, p).toBe(404);
      expect(await codeOf(bad)).toBe('NOT_FOUND');
    }
  });

  it('sandboxes uploaded files opened from their presigned link, except PDFs', async () => {
    const upload = async (name: string, body: string) => {
      const form = new FormData();
      form.append('file', new Blob([body]), name);
      const file = await s.api('POST', '/files/upload', form);
      const got = await s.api('GET', `/files/${file.body.id}`);
      return fetch(got.body.presignedUrl);
    };
    const html = await upload('page.html', '<html><script>alert(1)</script></html>');
    expect(html.headers.get('content-security-policy')).toBe('sandbox');
    const pdf = await upload('doc.pdf', '%PDF-1.4\n%%EOF\n');
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-security-policy')).toBeNull();
  });

  it('says how to build the dashboard when it is missing, and the API still works', async () => {
    const res = await get(missing, '/', { accept: HTML });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:web');
    const health = await get(missing, '/health');
    expect(health.status).toBe(200);
  });
});
