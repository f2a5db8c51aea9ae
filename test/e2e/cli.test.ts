import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/core/api-keys.js';
import { openDatabase } from '../../src/store/database.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dirs: string[] = [];

function cli(args: string[], env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 60_000,
  });
}

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('docsort command line', () => {
  it('keys create prints a key for a new workspace, working against the same data dir', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-cli-'));
    dirs.push(dataDir);
    const first = await cli(['keys', 'create', '--workspace', 'acme'], { DOCSORT_DATA_DIR: dataDir });
    const key = first.stdout.trim();
    expect(key).toMatch(/^sk_[A-Za-z0-9]{40}$/);
    expect(first.stderr).toMatch(/Created workspace "acme"/);
    const second = await cli(['keys', 'create', '--workspace', 'acme'], { DOCSORT_DATA_DIR: dataDir });
    expect(second.stderr).toMatch(/^Workspace "acme"/);
    const other = await cli(['keys', 'create'], { DOCSORT_DATA_DIR: dataDir });

    const db = await openDatabase({ kind: 'sqlite', file: path.join(dataDir, 'docsort.sqlite') });
    try {
      const a = await authenticate(db.db, key);
      const b = await authenticate(db.db, second.stdout.trim());
      const c = await authenticate(db.db, other.stdout.trim());
      expect(a?.workspaceId).toMatch(/^ws_/);
      expect(b?.workspaceId).toBe(a?.workspaceId);
      expect(c?.workspaceId).not.toBe(a?.workspaceId);
      // Only hashes are stored.
      const rows = await db.db.selectFrom('api_keys').select('key_hash').execute();
      expect(rows.map((r) => r.key_hash)).not.toContain(key);
    } finally {
      await db.close();
    }
  });

  it('stops on bad configuration with one line naming the variable', async () => {
    for (const [name, value] of [
      ['PORT', 'eighty'],
      ['DATABASE_URL', 'mysql://x'],
      ['DOCSORT_API_KEY', 'short'],
      ['DOCSORT_WORKER', 'maybe'],
    ] as const) {
      const err = await cli(['serve'], { [name]: value, DOCSORT_DATA_DIR: os.tmpdir() }).catch(
        (e: unknown) => e,
      );
      const { code, stderr } = err as { code: number; stderr: string };
      expect(code, name).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${name}: `));
    }
  });

  it('refuses unknown commands with the usage text', async () => {
    const err = (await cli(['frobnicate'], {}).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/Unknown command: frobnicate/);
    expect(err.stderr).toMatch(/docsort keys create/);
  });
});
