import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import {
  authenticate,
  countKeys,
  createApiKey,
  DEFAULT_WORKSPACE,
  ensureWorkspace,
} from '../core/api-keys.js';
import type { Db } from '../store/database.js';

export interface BootstrapResult {
  workspaceId: string;
  /** A key the operator can use right now, or null when only they know it (keys are hashed). */
  apiKey: string | null;
  apiKeySource: 'env' | 'created' | 'key-file' | 'unknown';
  keyFile: string;
}

/**
 * Make `npm start` usable on a fresh machine: a default workspace and a key to call it with.
 * DOCSORT_API_KEY, when set, is created or accepted as is. Otherwise the first start creates a key
 * and keeps the operator's copy in DATA_DIR/api-key (mode 0600), like an SSH key file; the
 * database holds only its hash.
 */
export async function bootstrap(db: Db, config: Config, now: Date): Promise<BootstrapResult> {
  const ws = await ensureWorkspace(db, DEFAULT_WORKSPACE, now);
  const keyFile = path.join(config.dataDir, 'api-key');
  if (config.apiKey) {
    await createApiKey(db, ws.id, 'DOCSORT_API_KEY', now, config.apiKey);
    return { workspaceId: ws.id, apiKey: config.apiKey, apiKeySource: 'env', keyFile };
  }
  if (fs.existsSync(keyFile)) {
    const saved = fs.readFileSync(keyFile, 'utf8').trim();
    if (await authenticate(db, saved))
      return { workspaceId: ws.id, apiKey: saved, apiKeySource: 'key-file', keyFile };
  }
  if ((await countKeys(db, ws.id)) > 0)
    return { workspaceId: ws.id, apiKey: null, apiKeySource: 'unknown', keyFile };
  const secret = await createApiKey(db, ws.id, 'first-start', now);
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(keyFile, `${secret}\n`, { mode: 0o600 });
  return { workspaceId: ws.id, apiKey: secret, apiKeySource: 'created', keyFile };
}
