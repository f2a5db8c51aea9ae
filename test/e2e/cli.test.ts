import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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

  it('secrets rotate re-seals with a generated key into the key file, or with --new-key for DOCSORT_SECRET_KEY', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-cli-rotate-'));
    dirs.push(dataDir);
    const none = (await cli(['secrets', 'rotate'], { DOCSORT_DATA_DIR: dataDir }).catch(
      (e: unknown) => e,
    )) as {
      code: number;
      stderr: string;
    };
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /^docsort secrets rotate: there is no current key: DOCSORT_SECRET_KEY is unset/,
    );

    const keyFile = path.join(dataDir, 'secret.key');
    const first = randomBytes(32).toString('base64');
    fs.writeFileSync(keyFile, `${first}\n`, { mode: 0o600 });
    await cli(['keys', 'create'], { DOCSORT_DATA_DIR: dataDir });
    const generated = await cli(['secrets', 'rotate'], { DOCSORT_DATA_DIR: dataDir });
    expect(generated.stdout).toMatch(/settings\.secret_key_check\s+1\n/);
    expect(generated.stdout).toMatch(/Wrote the new key to .*secret\.key \(mode 0600\)/);
    const second = fs.readFileSync(keyFile, 'utf8').trim();
    expect(second).not.toBe(first);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(generated.stdout).not.toContain(second);

    // Moving to DOCSORT_SECRET_KEY: the current key is the file's; the new one is given, and never printed.
    const third = randomBytes(32).toString('hex');
    const given = await cli(['secrets', 'rotate', '--new-key', third], {
      DOCSORT_DATA_DIR: dataDir,
      DOCSORT_SECRET_KEY: second,
    });
    expect(given.stdout).toMatch(/Set DOCSORT_SECRET_KEY to the new key on every process/);
    expect(given.stdout).not.toContain(third);
    const stale = (await cli(['secrets', 'rotate'], {
      DOCSORT_DATA_DIR: dataDir,
      DOCSORT_SECRET_KEY: second,
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(
      /^docsort secrets rotate: The secrets in the database were sealed with another key/,
    );
  }, 180_000);

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

  it('eval scores a folder of class-named subfolders through the pipeline, learning from --examples first', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-eval-'));
    dirs.push(root);
    const docs: Record<string, string[]> = {
      Invoices: [
        'INVOICE 1001. Bill to Acme. Total due $120. Payment terms net 30.',
        'INVOICE 1002. Bill to Beta Ltd. Subtotal $80, tax $8, total due $88.',
        'Invoice number 1003: amount due $45 for consulting services, payable within 14 days.',
        'INVOICE 1004. Bill to Gamma. Items: 3 chairs. Total due $300.',
      ],
      Letters: [
        'Dear Mr. Brown,\nThank you for your kind letter. We look forward to meeting you.\nSincerely,\nAnn',
        'Dear Ms. Green,\nI am writing to confirm our appointment next Tuesday.\nKind regards,\nBob',
        'Dear Sir,\nPlease accept my apologies for the delay in replying to your letter.\nYours faithfully,\nCara',
        'Dear Dr. White,\nIt was a pleasure to speak with you yesterday.\nBest regards,\nDan',
      ],
    };
    for (const [folder, texts] of Object.entries(docs)) {
      fs.mkdirSync(path.join(root, folder));
      for (const [i, t] of texts.entries()) fs.writeFileSync(path.join(root, folder, `${i}.txt`), t);
    }
    const configFile = path.join(root, 'config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        labels: { Invoices: 'invoice', Letters: 'letter' },
        config: {
          classifications: [
            { id: 'invoice', type: 'invoice', description: 'A bill listing amounts and the total due.' },
            { id: 'letter', type: 'letter', description: 'A letter with a greeting and a signature.' },
            { id: 'other', type: 'other', description: 'Anything else.' },
          ],
        },
      }),
    );
    const out = await cli(['eval', root, '--config', configFile, '--examples', '1'], {
      DOCSORT_DATA_DIR: path.join(root, 'unused'),
      DOCSORT_LOG_LEVEL: 'silent',
    });
    expect(out.stdout, `${out.stdout}\n${out.stderr}`).toMatch(
      /documents scored\s+6 \(0 failed\), after learning 1 examples per class/,
    );
    expect(out.stdout).toMatch(/accuracy\s+100\.0%/);
    expect(out.stdout).toMatch(/confusion matrix/);
    expect(out.stdout).toMatch(/^invoice\s+3\s+0/m);
    expect(out.stderr).toMatch(/learning from 2 documents/);
    // --config runs in a temporary data directory: nothing is left in the configured one.
    expect(fs.existsSync(path.join(root, 'unused'))).toBe(false);

    const json = await cli(['eval', root, '--config', configFile, '--json'], {
      DOCSORT_DATA_DIR: path.join(root, 'unused'),
      DOCSORT_LOG_LEVEL: 'silent',
    });
    const run = JSON.parse(json.stdout);
    expect(run).toMatchObject({ object: 'evaluation_set_run', status: 'PROCESSED' });
    expect(run.metrics).toMatchObject({ type: 'CLASSIFY', numFilesProcessed: 8, accuracy: 1 });

    const bad = (await cli(['eval', root, '--config', configFile, '--examples', '9'], {
      DOCSORT_DATA_DIR: path.join(root, 'unused'),
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not enough for 9 examples/);

    // Each draw learns from its own examples only (the previous draw's sets are deleted first), and the
    // scores are pooled: 2 draws x 6 scored documents.
    const repeated = await cli(['eval', root, '--config', configFile, '--examples', '1', '--repeat', '2'], {
      DOCSORT_DATA_DIR: path.join(root, 'unused'),
      DOCSORT_LOG_LEVEL: 'silent',
    });
    expect(repeated.stdout, repeated.stderr).toMatch(
      /documents scored\s+12 \(0 failed\), after learning 1 examples per class, pooled over 2 draws/,
    );
    expect(repeated.stdout).toMatch(/accuracy per draw\s+100\.0% to 100\.0%/);
    expect(repeated.stderr.match(/learning from 2 documents/g)).toHaveLength(2);
    const noExamples = (await cli(['eval', root, '--config', configFile, '--repeat', '2'], {
      DOCSORT_DATA_DIR: path.join(root, 'unused'),
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(noExamples.code).toBe(1);
    expect(noExamples.stderr).toMatch(/--repeat draws examples again: it needs --examples/);
    // Five CLI processes, each starting the pipeline: slow on a loaded machine.
  }, 360_000);
});
