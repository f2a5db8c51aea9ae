import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { startServer } from '../src/main/serve.js';
import { newApiKeySecret } from '../src/lib/ids.js';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
const apiKey = newApiKeySecret();
const s = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', DOCSORT_DATA_DIR: dataDir, DOCSORT_API_KEY: apiKey, DOCSORT_LOG_LEVEL: 'silent' }));
const h = { authorization: `Bearer ${apiKey}`, 'x-extend-api-version': '2026-02-09', 'content-type': 'application/json' };
const c = await s.app.inject({ method: 'POST', url: '/classify_runs', headers: h, payload: { config: { classifications: [{ id: 'a', type: 'a', description: 'x' }, { id: 'other', type: 'other', description: 'y' }] }, file: { text: 'hello invoice' } } });
const id = c.json().id;
await new Promise(r => setTimeout(r, 500));
const { authenticate } = await import('../src/core/api-keys.js');
for (const [name, fn] of [
  ['inject GET', () => s.app.inject({ method: 'GET', url: `/classify_runs/${id}`, headers: h })],
  ['inject health', () => s.app.inject({ method: 'GET', url: `/health` })],
  ['authenticate', () => authenticate(s.container.deps.db, apiKey)],
  ['select run', () => s.container.deps.db.selectFrom('classify_runs').selectAll().where('id', '=', id).executeTakeFirst()],
] as const) {
  for (let i = 0; i < 200; i++) await fn();
  const t = performance.now(); const N = 1000;
  for (let i = 0; i < N; i++) await fn();
  console.log(name, ((performance.now() - t) / N).toFixed(3), 'ms');
}
await s.stop();
