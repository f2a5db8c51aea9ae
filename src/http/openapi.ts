import path from 'node:path';
import { loadConfig } from '../config/config.js';
import { createContainer } from '../main/container.js';
import { buildApp } from './app.js';

/** The OpenAPI document of the app, built against a throwaway SQLite database in `dataDir`. */
export async function generateOpenApi(dataDir: string): Promise<unknown> {
  const config = loadConfig({
    DOCSORT_DATA_DIR: dataDir,
    DATABASE_URL: `sqlite:${path.join(dataDir, 'openapi.sqlite')}`,
  });
  const container = await createContainer(config);
  try {
    const app = await buildApp(container.deps);
    await app.ready();
    const doc = app.swagger() as { servers?: unknown };
    delete doc.servers;
    await app.close();
    return doc;
  } finally {
    await container.close();
  }
}
