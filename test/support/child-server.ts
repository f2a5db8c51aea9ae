import { type ChildProcess, spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pgTestUrl } from './backends.js';
import { waitFor } from './test-server.js';

/**
 * The real `docsort serve` as a child process, for tests that SIGKILL it (the approach of
 * test/e2e/crash-recovery.test.ts, shared here).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'src/main/cli.ts');

export interface Child {
  proc: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

export const children = new Set<ChildProcess>();

export function alive(proc: ChildProcess): boolean {
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
 * `node --import tsx` rather than `npx tsx`: the pid we signal must be the server itself (tsx's CLI
 * runs the script in a grandchild, which a SIGKILL would orphan).
 */
export async function startChild(env: Record<string, string>): Promise<Child> {
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
  await waitFor(
    async () => {
      if (!alive(proc)) throw new Error(`docsort exited before it was healthy:\n${out}`);
      try {
        return (await fetch(`${url}/health`)).ok;
      } catch {
        return false;
      }
    },
    30_000,
    `docsort /health on ${url}`,
  );
  return { proc, url, output: () => out, exited };
}

export async function stopChild(child: Child, signal: NodeJS.Signals): Promise<void> {
  if (!alive(child.proc)) return;
  child.proc.kill(signal);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
  children.delete(child.proc);
}

export async function createSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgTestUrl() });
  await client.connect();
  try {
    await client.query(`create schema if not exists "${schema}"`);
  } finally {
    await client.end();
  }
}

/** A DATABASE_URL whose connections use `schema` (node-postgres passes `options` to the server). */
export function withSearchPath(url: string, schema: string): string {
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return `${url}${url.includes('?') ? '&' : '?'}options=${options}`;
}

export async function childApi(base: string, apiKey: string, method: string, p: string, body?: unknown) {
  const res = await fetch(base + p, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      'x-extend-api-version': '2026-02-09',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON shapes
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, body: parsed };
}
