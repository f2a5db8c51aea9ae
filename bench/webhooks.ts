/**
 * Webhook delivery figures (issue 3), against a receiver on loopback:
 *
 *   npx tsx bench/webhooks.ts                                    SQLite only
 *   DATABASE_URL_TEST=postgres://... npx tsx bench/webhooks.ts   also PostgreSQL (throw-away schema)
 *
 * (a) deliveries per second: N events are written while no dispatcher runs, then one dispatcher
 *     (default concurrency 16, 4 per endpoint) delivers them to E endpoints; timed from its start to
 *     the last 200;
 * (b) the time from a classify run finishing (its `updatedAt`) to its `classify_run.processed` event
 *     reaching the receiver, p50 and p99, with the default poll interval (500 ms) and with 50 ms.
 *
 * Everything runs in this process (server, worker, dispatcher, receiver), so the figures include
 * sharing one event loop. Prints figures only; never fails on them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { buildApp } from '../src/http/app.js';
import { newApiKeySecret } from '../src/lib/ids.js';
import { bootstrap } from '../src/main/bootstrap.js';
import { createContainer } from '../src/main/container.js';
import { Worker } from '../src/pipeline/worker.js';
import { WebhookDispatcher } from '../src/webhooks/dispatcher.js';

const EVENTS = 2000;
const ENDPOINTS = 4;
const RUNS = 100;
const API_VERSION = '2026-02-09';
const CONFIG = {
  classifications: [
    { id: 'invoice', type: 'invoice', description: 'A bill listing items, amounts and the total due.' },
    { id: 'other', type: 'other', description: 'Anything else.' },
  ],
};

interface Arrival {
  path: string;
  eventId: string;
  eventType: string;
  payload: { updatedAt?: string };
  at: number;
}

async function startReceiver() {
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<Arrival, 'at' | 'path'>;
      arrivals.push({ ...body, path: req.url ?? '', at: Date.now() });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    arrivals,
    url: (p: string) => `http://127.0.0.1:${port}${p}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function bench(label: string, database: { pgUrl: string; schema: string } | null): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-bench-webhooks-'));
  const apiKey = newApiKeySecret();
  const config = loadConfig({
    DOCSORT_DATA_DIR: dataDir,
    DOCSORT_API_KEY: apiKey,
    DOCSORT_ALLOW_PRIVATE_NETWORK: 'true',
    DOCSORT_LOG_LEVEL: 'silent',
    ...(database ? { DATABASE_URL: database.pgUrl } : {}),
  });
  const container = await createContainer(
    config,
    database ? { pgSchema: database.schema, poolSize: 10 } : {},
  );
  await bootstrap(container.deps.db, config, new Date());
  const app = await buildApp(container.deps, { logLevel: 'silent' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const receiver = await startReceiver();
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(base + p, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        'x-extend-api-version': API_VERSION,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as { id: string };
  };
  const dispatcherFor = (pollMs: number) =>
    new WebhookDispatcher(container.deps, {
      concurrency: config.webhooks.concurrency,
      endpointConcurrency: config.webhooks.endpointConcurrency,
      pollMs,
    });
  try {
    // (a) Throughput: events first, then one dispatcher drains them.
    for (let e = 0; e < ENDPOINTS; e++) {
      await api('POST', '/webhook_endpoints', {
        url: receiver.url(`/throughput-${e}`),
        name: `throughput ${e}`,
        enabledEvents: ['classifier.created'],
        apiVersion: API_VERSION,
      });
    }
    for (let i = 0; i < EVENTS / ENDPOINTS; i++)
      await api('POST', '/classifiers', { name: `bench ${i}`, config: CONFIG });
    const drain = dispatcherFor(config.webhooks.pollMs);
    const started = Date.now();
    const cpuBefore = process.cpuUsage();
    drain.start();
    await until(() => receiver.arrivals.length >= EVENTS, 300_000, `${EVENTS} deliveries`);
    const seconds = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMsPerDelivery = (cpu.user + cpu.system) / 1000 / EVENTS;
    await drain.stop();
    console.log(
      `[${label}] (a) ${EVENTS} deliveries (${EVENTS / ENDPOINTS} events x ${ENDPOINTS} endpoints) in ${seconds.toFixed(2)} s: ` +
        `${Math.round(EVENTS / seconds)} deliveries/s; this process's CPU ${cpuMsPerDelivery.toFixed(2)} ms per delivery ` +
        `(sender, receiver and database driver together)`,
    );
    await container.deps.db.updateTable('webhook_endpoints').set({ status: 'disabled' }).execute();

    // (b) Latency from a run finishing to its event arriving.
    const worker = new Worker(container.deps, { concurrency: 2, leaseMs: 60_000, pollMs: 100 });
    worker.start();
    for (const pollMs of [500, 50]) {
      const p = `/latency-${pollMs}`;
      await api('POST', '/webhook_endpoints', {
        url: receiver.url(p),
        name: `latency ${pollMs}`,
        enabledEvents: ['classify_run.processed'],
        apiVersion: API_VERSION,
      });
      const dispatcher = dispatcherFor(pollMs);
      dispatcher.start();
      for (let i = 0; i < RUNS; i++) {
        await api('POST', '/classify_runs', {
          config: CONFIG,
          file: { text: `INVOICE ${i}\nTotal due: $${i}.00` },
        });
        // Spread the runs out, so each finish is measured on its own rather than in one burst.
        await new Promise((r) => setTimeout(r, 20));
      }
      const mine = () => receiver.arrivals.filter((a) => a.path === p);
      await until(() => mine().length >= RUNS, 120_000, `${RUNS} run events`);
      await dispatcher.stop();
      const latencies = mine().map((a) => a.at - Date.parse(a.payload.updatedAt ?? ''));
      console.log(
        `[${label}] (b) run finished -> event received, poll ${pollMs} ms, ${RUNS} runs: ` +
          `p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${Math.max(...latencies)} ms`,
      );
    }
    await worker.stop();
  } finally {
    await app.close();
    await container.close();
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  await bench('sqlite', null);
  const pgUrl = process.env.DATABASE_URL_TEST;
  if (pgUrl) {
    const schema = `bench_${randomBytes(6).toString('hex')}`;
    try {
      await bench('postgres', { pgUrl, schema });
    } finally {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }
}

await main();
