import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import { buildApp } from '../http/app.js';
import { Worker } from '../pipeline/worker.js';
import { WebhookDispatcher } from '../webhooks/dispatcher.js';
import { bootstrap } from './bootstrap.js';
import { type Container, createContainer } from './container.js';

export interface Server {
  app: FastifyInstance;
  container: Container;
  worker: Worker | null;
  dispatcher: WebhookDispatcher | null;
  url: string;
  apiKey: string | null;
  stop(): Promise<void>;
}

/** API and worker in one process (the embedded default); DOCSORT_WORKER=false runs the API alone. */
export async function startServer(config: Config, opts: { dashboardDir?: string } = {}): Promise<Server> {
  const container = await createContainer(config);
  const boot = await bootstrap(container.deps.db, config, new Date());
  const app = await buildApp(container.deps, {
    logLevel: config.logLevel,
    // A dashboard built elsewhere than dist/web (the browser benchmark builds the current sources).
    ...(opts.dashboardDir ? { dashboardDir: opts.dashboardDir } : {}),
  });
  const { source, file } = container.secretKey;
  app.log.info(
    { secretKeySource: source, ...(file ? { secretKeyFile: file } : {}) },
    source === 'env'
      ? 'secrets at rest are sealed with DOCSORT_SECRET_KEY'
      : `secrets at rest are sealed with the key in ${file}${source === 'generated' ? ' (generated now; back it up, and set DOCSORT_SECRET_KEY on every host if several share the database)' : ''}`,
  );
  if (container.sealedOnStart > 0)
    app.log.info({ sealed: container.sealedOnStart }, 'sealed secrets stored in clear by an earlier version');
  const worker = config.worker.enabled
    ? new Worker(container.deps, {
        concurrency: config.worker.concurrency,
        leaseMs: config.worker.leaseMs,
        log: app.log,
      })
    : null;
  // Webhook delivery is background work like the worker's: it runs where the worker runs.
  const dispatcher = config.worker.enabled
    ? new WebhookDispatcher(container.deps, {
        concurrency: config.webhooks.concurrency,
        endpointConcurrency: config.webhooks.endpointConcurrency,
        pollMs: config.webhooks.pollMs,
        log: app.log,
      })
    : null;
  await app.listen({ port: config.port, host: config.host });
  worker?.start();
  dispatcher?.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  let stopping: Promise<void> | null = null;
  return {
    app,
    container,
    worker,
    dispatcher,
    url,
    apiKey: boot.apiKey,
    stop() {
      stopping ??= (async () => {
        await app.close();
        await worker?.stop();
        await dispatcher?.stop();
        await container.close();
      })();
      return stopping;
    },
  };
}
