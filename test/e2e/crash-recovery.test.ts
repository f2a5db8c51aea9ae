import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { newApiKeySecret } from '../../src/lib/ids.js';
import { PRUNE_WEBHOOK_LOG_JOB } from '../../src/pipeline/prune-webhook-log.js';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.js';
import { type BackendName, backends, dropSchema, pgTestUrl, uniqueSchema } from '../support/backends.js';
import { BASIC_CONFIG, INVOICE_TEXT, LETTER_TEXT, waitFor } from '../support/test-server.js';

/**
 * Crash recovery, end to end: the real `docsort serve` runs as a child process, is SIGKILLed while
 * classify runs are in flight, and a second process on the same data dir and database must bring
 * every run to PROCESSED or FAILED, with exactly one terminal event each (the outbox row written in
 * the run's finishing transaction) and no run lost.
 *
 * Slowness is made deterministic with {url} inputs served by a loopback server in this process that
 * holds each response for HOLD_MS, so the worker's slots are busy downloading when the kill lands.
 *
 * PostgreSQL: the child gets a DATABASE_URL whose search_path is this file's schema through the
 * connection string's `options` parameter (`?options=-c search_path=t_xxx`), which node-postgres
 * passes to the server as a startup option; no Docsort setting is needed. openDatabase does not
 * create a schema named only in the URL, so the test creates it first.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'src/main/cli.ts');
const API_VERSION = '2026-02-09';
const RUNS = 40;
/** Every URL_EVERY-th run downloads from the slow server; the rest are {text} runs. */
const URL_EVERY = 4;
const HOLD_MS = 3000;
const LEASE_MS = 1500;
const CONCURRENCY = 4;
const TERMINAL = new Set(['PROCESSED', 'FAILED']);

interface Child {
  proc: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();

function alive(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/**
 * `node --import tsx` rather than `npx tsx`: the pid we signal must be the server itself. tsx's
 * CLI runs the script in a grandchild, so a SIGKILL to it would orphan the server instead.
 */
async function startChild(env: Record<string, string>): Promise<Child> {
  const port = await freePort();
  const base = { ...process.env };
  for (const key of Object.keys(base)) {
    if (key.startsWith('DOCSORT_') || key === 'DATABASE_URL' || key === 'PORT' || key === 'HOST')
      delete base[key];
  }
  const proc = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
    cwd: ROOT,
    env: { ...base, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-20_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const child: Child = { proc, url, output: () => out, exited };
  await waitFor(
    async () => {
      if (!alive(proc)) throw new Error(`docsort exited before it was healthy:\n${out}`);
      try {
        const res = await fetch(`${url}/health`);
        return res.ok;
      } catch {
        return false;
      }
    },
    30_000,
    `docsort /health on ${url}`,
  );
  return child;
}

async function stopChild(child: Child, signal: NodeJS.Signals): Promise<void> {
  if (!alive(child.proc)) return;
  child.proc.kill(signal);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
  children.delete(child.proc);
}

/** The slow file host: holds every response HOLD_MS, counting downloads in progress. */
interface SlowHost {
  base: string;
  inFlight: number;
  requests: number;
  close(): Promise<void>;
}

async function startSlowHost(): Promise<SlowHost> {
  const state = { inFlight: 0, requests: 0 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    state.requests += 1;
    state.inFlight += 1;
    let open = true;
    const done = () => {
      if (!open) return;
      open = false;
      state.inFlight -= 1;
    };
    const timer = setTimeout(() => {
      const body = req.url?.includes('letter') ? LETTER_TEXT : INVOICE_TEXT;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body, done);
    }, HOLD_MS);
    // The downloader died with the process: the socket closes and the response is never written.
    res.on('close', () => {
      clearTimeout(timer);
      done();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    get inFlight() {
      return state.inFlight;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function api(base: string, apiKey: string, method: string, p: string, body?: unknown) {
  const res = await fetch(base + p, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      'x-extend-api-version': API_VERSION,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: the test reads arbitrary JSON shapes
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, body: parsed };
}

async function createSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgTestUrl() });
  await client.connect();
  try {
    await client.query(`create schema if not exists "${schema}"`);
  } finally {
    await client.end();
  }
}

function withSearchPath(url: string, schema: string): string {
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return `${url}${url.includes('?') ? '&' : '?'}options=${options}`;
}

afterAll(() => {
  // Never leave a server behind, whatever failed.
  for (const proc of children) if (alive(proc)) proc.kill('SIGKILL');
  children.clear();
});

describe.each(backends())('crash recovery (%s)', (backend: BackendName) => {
  it('brings every run to a terminal state with one terminal event after a SIGKILL', {
    timeout: 60_000,
  }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-crash-'));
    const schema = backend === 'postgres' ? uniqueSchema() : null;
    const apiKey = newApiKeySecret();
    const host = await startSlowHost();
    const running: Child[] = [];
    let database: DatabaseHandle | null = null;
    try {
      if (schema) await createSchema(schema);
      const env: Record<string, string> = {
        DOCSORT_API_KEY: apiKey,
        DOCSORT_DATA_DIR: dataDir,
        DOCSORT_JOB_LEASE_MS: String(LEASE_MS),
        DOCSORT_WORKER_CONCURRENCY: String(CONCURRENCY),
        DOCSORT_LOG_LEVEL: 'warn',
        DOCSORT_ALLOW_PRIVATE_NETWORK: 'true',
        ...(schema ? { DATABASE_URL: withSearchPath(pgTestUrl(), schema) } : {}),
      };

      // First life: create the runs, wait until the worker is stuck in downloads, then SIGKILL.
      const first = await startChild(env);
      running.push(first);
      const ids: string[] = [];
      for (let i = 0; i < RUNS; i++) {
        const file =
          i % URL_EVERY === 1
            ? { url: `${host.base}/doc-${i}-${i % 2 ? 'letter' : 'invoice'}.txt` }
            : { text: i % 2 ? LETTER_TEXT : INVOICE_TEXT };
        const res = await api(first.url, apiKey, 'POST', '/classify_runs', {
          config: BASIC_CONFIG,
          file,
          metadata: { n: i },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        ids.push(res.body.id as string);
      }
      await waitFor(async () => host.inFlight >= 2, 15_000, 'two downloads in progress');
      const before = new Map<string, string>();
      for (const id of ids) {
        const res = await api(first.url, apiKey, 'GET', `/classify_runs/${id}`);
        expect(res.status).toBe(200);
        before.set(id, res.body.status as string);
      }
      const inFlightAtKill = host.inFlight;
      await stopChild(first, 'SIGKILL');
      running.pop();
      expect(first.proc.signalCode).toBe('SIGKILL');
      const pendingAtKill = [...before.values()].filter((s) => !TERMINAL.has(s)).length;
      expect([...before.values()]).toContain('PROCESSING');
      expect(inFlightAtKill).toBeGreaterThanOrEqual(2);

      // Second life on the same data dir and database.
      const second = await startChild(env);
      running.push(second);
      const status = new Map(before);
      const recoveryStarted = Date.now();
      try {
        await waitFor(
          async () => {
            for (const id of ids) {
              if (TERMINAL.has(status.get(id) ?? '')) continue;
              const res = await api(second.url, apiKey, 'GET', `/classify_runs/${id}`);
              expect(res.status, `run ${id} lost: ${JSON.stringify(res.body)}`).toBe(200);
              status.set(id, res.body.status as string);
            }
            return ids.every((id) => TERMINAL.has(status.get(id) ?? ''));
          },
          40_000,
          'every run to reach PROCESSED or FAILED',
        );
      } catch (err) {
        const stuck = ids.filter((id) => !TERMINAL.has(status.get(id) ?? ''));
        throw new Error(
          `${String(err)}; stuck: ${stuck.map((id) => `${id}=${status.get(id)}`).join(', ')}\n` +
            `server output:\n${second.output()}`,
        );
      }
      const recoveryMs = Date.now() - recoveryStarted;
      await stopChild(second, 'SIGTERM');
      running.pop();

      // The database, read directly once no process writes to it.
      database = await openDatabase(
        schema
          ? { kind: 'postgres', url: pgTestUrl() }
          : { kind: 'sqlite', file: path.join(dataDir, 'docsort.sqlite') },
        schema ? { pgSchema: schema, poolSize: 2 } : {},
      );
      const db = database.db;
      const runs = await db
        .selectFrom('classify_runs')
        .select(['id', 'status', 'failure_reason', 'failure_message'])
        .execute();
      expect(runs.map((r) => r.id).sort()).toEqual([...ids].sort());
      for (const r of runs) expect(TERMINAL, `${r.id} is ${r.status}`).toContain(r.status);
      const events = await db
        .selectFrom('events')
        .select(['resource_id', 'type', 'payload'])
        .where('type', 'in', ['classify_run.processed', 'classify_run.failed'])
        .execute();
      const perRun = new Map<string, string[]>();
      for (const e of events) perRun.set(e.resource_id, [...(perRun.get(e.resource_id) ?? []), e.type]);
      for (const r of runs) {
        const types = perRun.get(r.id) ?? [];
        expect(types, `terminal events of ${r.id}`).toEqual([
          r.status === 'PROCESSED' ? 'classify_run.processed' : 'classify_run.failed',
        ]);
      }
      expect(events).toHaveLength(RUNS);
      for (const e of events)
        expect((JSON.parse(e.payload) as { status: string }).status).toBe(
          e.type === 'classify_run.processed' ? 'PROCESSED' : 'FAILED',
        );
      // The downloads cut by the kill were made again by the second process: the work really was lost.
      const urlRuns = ids.filter((_, i) => i % URL_EVERY === 1).length;
      expect(host.requests).toBeGreaterThanOrEqual(urlRuns + inFlightAtKill);
      // The recurring retention job stays by design; every run's job must be gone.
      const leftover = await db
        .selectFrom('jobs')
        .select(['id', 'payload', 'attempts'])
        .where('kind', '!=', PRUNE_WEBHOOK_LOG_JOB)
        .execute();
      expect(leftover, 'no job left in the queue').toEqual([]);
      // Nothing here should fail: an interrupted job is retried, well within its attempts.
      const failed = runs.filter((r) => r.status === 'FAILED');
      expect.soft(failed, 'runs that failed').toEqual([]);
      console.info(
        `[crash-recovery ${backend}] ${pendingAtKill}/${RUNS} runs in flight at SIGKILL ` +
          `(${inFlightAtKill} downloads open); recovered in ${recoveryMs} ms; ` +
          `${runs.length - failed.length} PROCESSED, ${failed.length} FAILED; slow-host requests ${host.requests}`,
      );
    } finally {
      for (const child of running) await stopChild(child, 'SIGKILL');
      await database?.close();
      await host.close();
      if (schema) await dropSchema(schema);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
