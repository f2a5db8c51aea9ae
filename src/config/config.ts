import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting Docsort reads, in one schema. Loaded once by main/ and passed down; nothing else
 * reads process.env. Documented in README.md and .env.example.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DOCSORT_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v) || /^sqlite:/.test(v), {
      message: 'must start with postgres://, postgresql:// or sqlite:',
    })
    .optional(),
  DOCSORT_API_KEY: z
    .string()
    .regex(/^sk_[A-Za-z0-9_-]{16,200}$/, 'must look like sk_ followed by at least 16 letters, digits, _ or -')
    .optional(),
  DOCSORT_PUBLIC_URL: z.url().optional(),
  DOCSORT_MAX_UPLOAD_BYTES: positiveInt.default(100 * 1024 * 1024),
  DOCSORT_MAX_PAGES: positiveInt.default(2000),
  DOCSORT_PARSE_TIMEOUT_MS: positiveInt.default(120_000),
  DOCSORT_DOWNLOAD_TIMEOUT_MS: positiveInt.default(30_000),
  DOCSORT_SYNC_TIMEOUT_MS: positiveInt.default(300_000),
  DOCSORT_ALLOW_PRIVATE_NETWORK: bool.default(false),
  DOCSORT_ALLOW_CIDRS: z.string().default(''),
  DOCSORT_WORKER: bool.default(true),
  DOCSORT_WORKER_CONCURRENCY: positiveInt.default(2),
  DOCSORT_JOB_LEASE_MS: positiveInt.default(60_000),
  DOCSORT_PRESIGN_TTL_SECONDS: positiveInt.default(900),
  DOCSORT_CONTEXT_DEFAULT_PAGES: positiveInt.default(5),
  DOCSORT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  apiKey: string | null;
  publicUrl: string;
  limits: {
    maxUploadBytes: number;
    maxPages: number;
    parseTimeoutMs: number;
    downloadTimeoutMs: number;
    syncTimeoutMs: number;
    /** Pages read by `advancedOptions.context: "default"` (Decisions 4). */
    contextDefaultPages: number;
  };
  network: { allowPrivate: boolean; allowCidrs: string[] };
  worker: { enabled: boolean; concurrency: number; leaseMs: number };
  presignTtlSeconds: number;
  logLevel: string;
}

export class ConfigError extends Error {}

/** Parse the environment; throws ConfigError with one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(pickKnown(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(
      `Invalid configuration: ${name}: ${issue?.message ?? 'invalid value'} (got ${JSON.stringify(env[name])})`,
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DOCSORT_DATA_DIR);
  let database: DatabaseConfig;
  if (!e.DATABASE_URL) database = { kind: 'sqlite', file: path.join(dataDir, 'docsort.sqlite') };
  else if (e.DATABASE_URL.startsWith('sqlite:')) {
    database = {
      kind: 'sqlite',
      file: path.resolve(e.DATABASE_URL.slice('sqlite:'.length).replace(/^\/\//, '')),
    };
  } else database = { kind: 'postgres', url: e.DATABASE_URL };
  const publicUrl = (e.DOCSORT_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    apiKey: e.DOCSORT_API_KEY ?? null,
    publicUrl,
    limits: {
      maxUploadBytes: e.DOCSORT_MAX_UPLOAD_BYTES,
      maxPages: e.DOCSORT_MAX_PAGES,
      parseTimeoutMs: e.DOCSORT_PARSE_TIMEOUT_MS,
      downloadTimeoutMs: e.DOCSORT_DOWNLOAD_TIMEOUT_MS,
      syncTimeoutMs: e.DOCSORT_SYNC_TIMEOUT_MS,
      contextDefaultPages: e.DOCSORT_CONTEXT_DEFAULT_PAGES,
    },
    network: {
      allowPrivate: e.DOCSORT_ALLOW_PRIVATE_NETWORK,
      allowCidrs: e.DOCSORT_ALLOW_CIDRS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
    worker: {
      enabled: e.DOCSORT_WORKER,
      concurrency: e.DOCSORT_WORKER_CONCURRENCY,
      leaseMs: e.DOCSORT_JOB_LEASE_MS,
    },
    presignTtlSeconds: e.DOCSORT_PRESIGN_TTL_SECONDS,
    logLevel: e.DOCSORT_LOG_LEVEL,
  };
}

/** Empty strings count as unset, so `PORT= npm start` behaves like no PORT at all. */
function pickKnown(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}
