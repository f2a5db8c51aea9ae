import { createHash } from 'node:crypto';
import { newApiKeySecret, newId } from '../lib/ids.js';
import type { Db } from '../store/database.js';
import type { Actor } from './context.js';

/**
 * Workspaces and their API keys. Keys are 40 random base62 characters, so a plain SHA-256 is a
 * sufficient at-rest hash (no dictionary to guess from); only the hash and a display prefix are kept.
 */
export const DEFAULT_WORKSPACE = 'default';

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export async function ensureWorkspace(
  db: Db,
  name: string,
  now: Date,
): Promise<{ id: string; created: boolean }> {
  const existing = await db.selectFrom('workspaces').select('id').where('name', '=', name).executeTakeFirst();
  if (existing) return { id: existing.id, created: false };
  const id = newId('workspace');
  await db
    .insertInto('workspaces')
    .values({ id, name, created_at: now.toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('workspaces')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return { id: row.id, created: row.id === id };
}

/** Store a key (a given one, or a new random one) for a workspace; returns the secret. */
export async function createApiKey(
  db: Db,
  workspaceId: string,
  name: string,
  now: Date,
  secret: string = newApiKeySecret(),
): Promise<string> {
  const keyHash = hashKey(secret);
  const existing = await db
    .selectFrom('api_keys')
    .select('workspace_id')
    .where('key_hash', '=', keyHash)
    .executeTakeFirst();
  if (existing) {
    if (existing.workspace_id !== workspaceId)
      throw new Error('this API key already belongs to another workspace');
    return secret;
  }
  await db
    .insertInto('api_keys')
    .values({
      id: newId('apiKey'),
      workspace_id: workspaceId,
      name,
      key_hash: keyHash,
      key_prefix: secret.slice(0, 7),
      created_at: now.toISOString(),
      last_used_at: null,
    })
    .execute();
  return secret;
}

export async function countKeys(db: Db, workspaceId: string): Promise<number> {
  const r = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * Successful lookups are remembered for a few seconds, which saves a query on every request.
 * Unknown keys are never cached, so a new key works at once. (Key revocation, when it exists,
 * must clear this cache or accept the short delay.)
 */
const AUTH_CACHE_MS = 10_000;
// Per database handle, so two servers in one process (tests) never share answers.
const authCaches = new WeakMap<Db, Map<string, { actor: Actor; until: number }>>();

export async function authenticate(db: Db, secret: string): Promise<Actor | null> {
  if (!/^sk_[A-Za-z0-9_-]{16,200}$/.test(secret)) return null;
  const keyHash = hashKey(secret);
  let authCache = authCaches.get(db);
  if (!authCache) {
    authCache = new Map();
    authCaches.set(db, authCache);
  }
  const hit = authCache.get(keyHash);
  if (hit && hit.until > Date.now()) return hit.actor;
  const row = await db
    .selectFrom('api_keys')
    .select(['workspace_id', 'name'])
    .where('key_hash', '=', keyHash)
    .executeTakeFirst();
  if (!row) return null;
  const actor = { workspaceId: row.workspace_id, keyName: row.name };
  if (authCache.size > 10_000) authCache.clear();
  authCache.set(keyHash, { actor, until: Date.now() + AUTH_CACHE_MS });
  return actor;
}
