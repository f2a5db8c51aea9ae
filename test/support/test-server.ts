import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExtendClient } from 'extend-ai';
import type { FastifyInstance } from 'fastify';
import type { HostResolver } from '../../src/adapters/http/guarded-agent.js';
import { createWebhookSender } from '../../src/adapters/http/webhook-sender.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import type { CoreDeps } from '../../src/core/context.js';
import { buildApp } from '../../src/http/app.js';
import { newApiKeySecret } from '../../src/lib/ids.js';
import { bootstrap } from '../../src/main/bootstrap.js';
import { createContainer } from '../../src/main/container.js';
import { Worker } from '../../src/pipeline/worker.js';
import type { Clock } from '../../src/ports/clock.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { type BackendName, dropSchema, pgTestUrl, uniqueSchema } from './backends.js';

export interface TestServer {
  backend: BackendName;
  url: string;
  apiKey: string;
  deps: CoreDeps;
  app: FastifyInstance;
  dispatcher: WebhookDispatcher | null;
  client: ExtendClient;
  dataDir: string;
  /** DOCSORT_SECRET_KEY as given to the server (base64), or undefined when a test unset it. */
  secretKey: string | undefined;
  /** Raw HTTP with the key and version header set (override any header with `headers`). */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string | undefined>,
  ): Promise<ApiResponse>;
  /** `keep`: leave the database and data dir for a restart (pass them as `dataDir` and `pgSchema`). */
  stop(options?: { keep?: boolean }): Promise<void>;
  /** The PostgreSQL schema, on that backend. */
  pgSchema: string | undefined;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  body: any;
}

export interface TestServerOptions {
  /** Merged over the defaults; `DOCSORT_SECRET_KEY: ''` leaves the key unset (the key file is used). */
  env?: Record<string, string>;
  /** An existing data directory (a restart); removed by stop() all the same. */
  dataDir?: string;
  /** An existing PostgreSQL schema (a restart); dropped by stop() all the same. */
  pgSchema?: string;
  worker?: boolean;
  /** The webhook dispatcher runs unless false. */
  dispatcher?: boolean;
  clock?: Clock;
  /** DNS for webhook URLs (registration and delivery), to play a name whose answer changes. */
  resolveHost?: HostResolver;
  /** The built dashboard served at `/` (default: the package's dist/web). */
  dashboardDir?: string;
}

/** A real server on a loopback port with its own database (SQLite file or PostgreSQL schema) and data dir. */
export async function startTestServer(
  backend: BackendName,
  opts: TestServerOptions = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-test-'));
  const apiKey = newApiKeySecret();
  const schema = backend === 'postgres' ? (opts.pgSchema ?? uniqueSchema()) : undefined;
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DOCSORT_DATA_DIR: dataDir,
    DOCSORT_API_KEY: apiKey,
    DOCSORT_LOG_LEVEL: 'silent',
    DOCSORT_JOB_LEASE_MS: '5000',
    DOCSORT_WEBHOOK_POLL_MS: '50',
    // Each server seals with its own key, given the way an operator gives it.
    DOCSORT_SECRET_KEY: randomBytes(32).toString('base64'),
    ...(backend === 'postgres' ? { DATABASE_URL: pgTestUrl() } : {}),
    ...opts.env,
  };
  const config: Config = loadConfig(env);
  const container = await createContainer(config, schema ? { pgSchema: schema, poolSize: 5 } : {});
  await bootstrap(container.deps.db, config, new Date());
  if (opts.clock) container.deps.clock = opts.clock;
  if (opts.resolveHost) {
    await container.deps.webhookSender.close();
    container.deps.webhookSender = createWebhookSender({ policy: config.network, resolve: opts.resolveHost });
  }
  const app = await buildApp(container.deps, {
    logLevel: 'silent',
    ...(opts.dashboardDir ? { dashboardDir: opts.dashboardDir } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  // Presigned URLs and dashboardUrl must point at the real port.
  (container.deps.config as { publicUrl: string }).publicUrl = url;
  const worker =
    opts.worker === false
      ? null
      : new Worker(container.deps, { concurrency: 2, leaseMs: config.worker.leaseMs, pollMs: 100 });
  worker?.start();
  const dispatcher =
    opts.dispatcher === false
      ? null
      : new WebhookDispatcher(container.deps, {
          concurrency: config.webhooks.concurrency,
          endpointConcurrency: config.webhooks.endpointConcurrency,
          pollMs: config.webhooks.pollMs,
        });
  dispatcher?.start();
  const client = new ExtendClient({ token: apiKey, baseUrl: url });

  return {
    backend,
    url,
    apiKey,
    deps: container.deps,
    app,
    dispatcher,
    client,
    dataDir,
    secretKey: env.DOCSORT_SECRET_KEY || undefined,
    async api(method, p, body, headers = {}) {
      const h: Record<string, string> = {
        authorization: `Bearer ${apiKey}`,
        'x-extend-api-version': '2026-02-09',
      };
      if (body !== undefined && typeof body !== 'string' && !(body instanceof FormData))
        h['content-type'] = 'application/json';
      if (typeof body === 'string') h['content-type'] = 'application/json';
      for (const [k, v] of Object.entries(headers)) {
        if (v === undefined) delete h[k];
        else h[k] = v;
      }
      const res = await fetch(url + p, {
        method,
        headers: h,
        body:
          body === undefined
            ? undefined
            : body instanceof FormData || typeof body === 'string'
              ? body
              : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON; keep the text
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    pgSchema: schema,
    async stop(options = {}) {
      await app.close();
      await worker?.stop();
      await dispatcher?.stop();
      await container.close();
      if (options.keep) return;
      if (schema) await dropSchema(schema);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Poll until `check` returns a value (not undefined/false), or fail after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const BASIC_CONFIG = {
  classifications: [
    {
      id: 'invoice',
      type: 'invoice',
      description: 'A bill from a supplier listing items, amounts and the total due.',
    },
    {
      id: 'letter',
      type: 'letter',
      description: 'A business letter addressed to a person, with a greeting and a signature.',
    },
    { id: 'other', type: 'other', description: 'Anything else.' },
  ],
};

export const INVOICE_TEXT =
  'INVOICE No. 2024-117\nBill to: Acme Corp\nItem: consulting, 10 hours at $120\nSubtotal $1,200\nTax $96\nTotal due: $1,296\nPayment terms: net 30';
export const LETTER_TEXT =
  'Dear Ms. Smith,\n\nThank you for your letter of 3 March. We are pleased to confirm our meeting next week.\n\nSincerely,\nJohn Doe\nDirector';
