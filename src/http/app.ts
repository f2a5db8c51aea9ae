import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CoreDeps } from '../core/context.js';
import { ID_PREFIX, randomToken } from '../lib/ids.js';
import { API_VERSION, authHook } from './plugins/auth.js';
import { registerErrorHandling } from './plugins/errors.js';
import { zodValidatorCompiler } from './plugins/validation.js';
import { batchRunRoutes } from './routes/batch-runs.js';
import { classifierRoutes } from './routes/classifiers.js';
import { classifyRunRoutes } from './routes/classify-runs.js';
import { defaultDashboardDir, registerDashboard } from './routes/dashboard.js';
import { evaluationSetRunRoutes } from './routes/evaluation-set-runs.js';
import { evaluationSetRoutes } from './routes/evaluation-sets.js';
import { fileContentRoute } from './routes/file-content.js';
import { fileRoutes } from './routes/files.js';
import { healthRoutes } from './routes/health.js';
import { parseRunRoutes } from './routes/parse-runs.js';
import { usageRoutes } from './routes/usage.js';
import { webhookDeliveryRoutes } from './routes/webhook-deliveries.js';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.js';
import { webhookPayloadRoute } from './routes/webhook-payload.js';
import { webhookSubscriptionRoutes } from './routes/webhook-subscriptions.js';

export interface AppOptions {
  logLevel?: string;
  /** JSON bodies above this are refused with 413 (uploads have their own limit). */
  bodyLimitBytes?: number;
  /** The built dashboard (`npm run build:web`); defaults to `<package root>/dist/web`. */
  dashboardDir?: string;
}

export type App = FastifyInstance;

/** Build the HTTP app without listening (fastify's habit): tests use inject(), main/ calls listen. */
export async function buildApp(deps: CoreDeps, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logLevel && opts.logLevel !== 'silent' ? { level: opts.logLevel } : false,
    genReqId: () => `${ID_PREFIX.request}_${randomToken(20)}`,
    requestIdHeader: false,
    bodyLimit: opts.bodyLimitBytes ?? 32 * 1024 * 1024,
    // Ids in paths are opaque strings of at most 255 characters (spec §1.2).
    routerOptions: { maxParamLength: 300 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(zodValidatorCompiler);
  registerErrorHandling(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-extend-request-id', request.id);
    const asked = request.headers['x-extend-api-version'];
    reply.header('x-extend-api-version', typeof asked === 'string' && asked ? asked : API_VERSION);
  });

  await app.register(multipart, {
    limits: {
      fileSize: deps.config.limits.maxUploadBytes,
      files: 1,
      fields: 10,
      fieldSize: 64 * 1024,
      parts: 20,
    },
  });

  // One source for validation and documentation: the OpenAPI document is generated from the zod schemas.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Docsort API',
        version: API_VERSION,
        description:
          "Extend's classification API (version 2026-02-09) as Docsort serves it. Operations tagged `Docsort extension` are not part of Extend's API.",
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A workspace API key, sk_...' },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerDashboard(app, opts.dashboardDir ?? defaultDashboardDir());
  await app.register(healthRoutes);
  await app.register(fileContentRoute(deps));
  await app.register(webhookPayloadRoute(deps));
  await app.register(async (api) => {
    api.addHook('onRequest', authHook(deps.db));
    await api.register(fileRoutes(deps));
    await api.register(classifierRoutes(deps));
    await api.register(classifyRunRoutes(deps));
    await api.register(batchRunRoutes(deps));
    await api.register(parseRunRoutes(deps));
    await api.register(evaluationSetRoutes(deps));
    await api.register(evaluationSetRunRoutes(deps));
    await api.register(webhookEndpointRoutes(deps));
    await api.register(webhookSubscriptionRoutes(deps));
    await api.register(webhookDeliveryRoutes(deps));
    await api.register(usageRoutes(deps));
  });
  return app;
}
