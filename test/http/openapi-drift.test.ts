import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateOpenApi } from '../../src/http/openapi.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('OpenAPI document', () => {
  it('docs/openapi.json matches the schemas in the code (run `npm run openapi` after changing a route)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-openapi-test-'));
    try {
      const generated = await generateOpenApi(dir);
      const committed = JSON.parse(fs.readFileSync(path.resolve(here, '../../docs/openapi.json'), 'utf8'));
      expect(generated).toEqual(committed);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
