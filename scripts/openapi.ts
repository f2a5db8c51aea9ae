/**
 * Writes docs/openapi.json from the running app's zod schemas (`npm run openapi`). A test fails
 * when the committed document drifts from the code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateOpenApi } from '../src/http/openapi.js';

const out = path.resolve(import.meta.dirname, '../docs/openapi.json');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-openapi-'));
try {
  fs.writeFileSync(out, `${JSON.stringify(await generateOpenApi(dir), null, 2)}\n`);
  process.stdout.write(`wrote ${out}\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
