import path from 'node:path';
import { z } from 'zod';
import { parseSecretKey } from '../lib/secret-box.js';
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from '../webhooks/retry-schedule.js';

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
  DOCSORT_SECRET_KEY: z
    .string()
    .transform((text, ctx) => {
      const key = parseSecretKey(text);
      if (key) return key;
      ctx.addIssue({
        code: 'custom',
        message:
          'must be 32 bytes written as base64 or 64 hex digits (make one with `openssl rand -base64 32`)',
      });
      return z.NEVER;
    })
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
  DOCSORT_WEBHOOK_TIMEOUT_MS: positiveInt.default(30_000),
  DOCSORT_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(DEFAULT_RETRY_SCHEDULE)
    .transform((text, ctx) => {
      try {
        return parseRetrySchedule(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  DOCSORT_WEBHOOK_CONCURRENCY: positiveInt.default(16),
  DOCSORT_WEBHOOK_ENDPOINT_CONCURRENCY: positiveInt.default(4),
  DOCSORT_WEBHOOK_POLL_MS: positiveInt.default(500),
  // A hundred years at most: the cutoff must stay a valid date.
  DOCSORT_WEBHOOK_LOG_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
  DOCSORT_CONTEXT_DEFAULT_PAGES: positiveInt.default(5),
  DOCSORT_LEARN_FROM_CONFIDENT_RUNS: bool.default(true),
  DOCSORT_PARSE_ISOLATION: z.enum(['process', 'none']).default('process'),
  DOCSORT_PARSE_PROCESSES: positiveInt.optional(),
  DOCSORT_PARSE_MEMORY_MB: z.coerce.number().int().min(128).default(1536),
  DOCSORT_OCR_ENGINE: z.enum(['auto', 'tesseract.js', 'native']).default('auto'),
  DOCSORT_OCR_WORKERS: positiveInt.optional(),
  DOCSORT_OCR_PAGE_TIMEOUT_MS: positiveInt.default(60_000),
  DOCSORT_OCR_DPI: z.coerce.number().int().min(72).max(600).default(200),
  DOCSORT_MAX_IMAGE_PIXELS: positiveInt.default(40_000_000),
  DOCSORT_MAX_UNCOMPRESSED_BYTES: positiveInt.default(200 * 1024 * 1024),
  DOCSORT_MAX_ZIP_ENTRIES: positiveInt.default(10_000),
  DOCSORT_MAX_ATTACHMENTS: positiveInt.default(50),
  DOCSORT_MAX_ATTACHMENT_BYTES: positiveInt.default(100 * 1024 * 1024),
  DOCSORT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DOCSORT_LLM_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  DOCSORT_LLM_MODEL: z.string().min(1).max(200).optional(),
  DOCSORT_LLM_API_KEY: z.string().min(1).optional(),
  // The default depends on DOCSORT_LLM_BASE_URL: see loadConfig.
  DOCSORT_LLM_MODE: z.enum(['off', 'always', 'escalate']).optional(),
  DOCSORT_LLM_ESCALATE_BELOW: z.coerce.number().min(0).max(1).default(0.6),
  DOCSORT_LLM_TIMEOUT_MS: positiveInt.default(60_000),
  DOCSORT_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  DOCSORT_LLM_MAX_INPUT_TOKENS: z.coerce.number().int().min(500).default(6000),
});

// Cross-field checks, reported on the variable to fix (the message's first path element).
const checkedEnvSchema = envSchema.superRefine((e, ctx) => {
  if (e.DOCSORT_LLM_BASE_URL && !e.DOCSORT_LLM_MODEL) {
    ctx.addIssue({
      code: 'custom',
      path: ['DOCSORT_LLM_MODEL'],
      message: 'required when DOCSORT_LLM_BASE_URL is set (the model name the endpoint serves)',
    });
  }
  if (!e.DOCSORT_LLM_BASE_URL && e.DOCSORT_LLM_MODE && e.DOCSORT_LLM_MODE !== 'off') {
    ctx.addIssue({
      code: 'custom',
      path: ['DOCSORT_LLM_MODE'],
      message: `"${e.DOCSORT_LLM_MODE}" needs DOCSORT_LLM_BASE_URL (the OpenAI-compatible endpoint)`,
    });
  }
});

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  apiKey: string | null;
  /**
   * The key that seals secrets stored in the database (lib/secret-box.ts); null: main/ uses the key file
   * in the data directory, generated on first start.
   */
  secretKey: Buffer | null;
  publicUrl: string;
  limits: {
    maxUploadBytes: number;
    maxPages: number;
    parseTimeoutMs: number;
    downloadTimeoutMs: number;
    syncTimeoutMs: number;
    /** Pages read by `advancedOptions.context: "default"` (Decisions 4). */
    contextDefaultPages: number;
    /** Weak supervision: confidently classified, unreviewed runs teach their classifier (docs/classification.md). */
    learnFromConfidentRuns: boolean;
  };
  network: { allowPrivate: boolean; allowCidrs: string[] };
  worker: { enabled: boolean; concurrency: number; leaseMs: number };
  /** Webhook delivery (spec §6.5); the dispatcher runs where the worker runs. */
  webhooks: {
    timeoutMs: number;
    /** Delay before each attempt, in ms; its length is the number of attempts. */
    retryScheduleMs: number[];
    /** Deliveries in flight in this process, and to one endpoint from this process. */
    concurrency: number;
    endpointConcurrency: number;
    pollMs: number;
    /**
     * Settled deliveries (succeeded or exhausted), their attempts and events that nothing is left to
     * deliver are deleted this many days later; 0 keeps them forever (docs/webhooks.md "Retention").
     */
    logRetentionDays: number;
  };
  /** How files are read (README "Parsing and OCR"). Counts left null default to the number of cores. */
  parsing: {
    /** `process`: each file is parsed in a separate process with time and memory limits. */
    isolation: 'process' | 'none';
    processes: number | null;
    /** Per parser process: resident memory, of which three quarters for the V8 heap. */
    memoryMb: number;
    ocrEngine: 'auto' | 'tesseract.js' | 'native';
    ocrWorkers: number | null;
    ocrPageTimeoutMs: number;
    /** Resolution scanned PDF pages are rendered at for OCR. */
    ocrDpi: number;
    maxImagePixels: number;
    /** Office (ZIP) files: bytes once unpacked, and entries (zip bombs). */
    maxUncompressedBytes: number;
    maxZipEntries: number;
    /** E-mails: attachments stored as child files, and their total bytes; the rest are not stored. */
    maxAttachments: number;
    maxAttachmentBytes: number;
  };
  /** The optional language-model engine (docs/classification.md "Language-model engine"). */
  llm: {
    /** `off` unless a base URL is set; `escalate` by default when one is. */
    mode: 'off' | 'always' | 'escalate';
    /** OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1; null: no model. */
    baseUrl: string | null;
    model: string | null;
    apiKey: string | null;
    /** In `escalate` mode, the local confidence under which the model is asked. */
    escalateBelow: number;
    timeoutMs: number;
    maxRetries: number;
    maxInputTokens: number;
  };
  presignTtlSeconds: number;
  logLevel: string;
}

export class ConfigError extends Error {}

const SECRET_VARIABLES = new Set(['DOCSORT_SECRET_KEY', 'DOCSORT_API_KEY', 'DOCSORT_LLM_API_KEY']);

/** Parse the environment; throws ConfigError with one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = checkedEnvSchema.safeParse(pickKnown(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    // A secret's value is never echoed: the message reaches logs and terminals.
    const got = SECRET_VARIABLES.has(name)
      ? `a value of ${String(env[name]).length} characters`
      : JSON.stringify(env[name]);
    throw new ConfigError(
      `Invalid configuration: ${name}: ${issue?.message ?? 'invalid value'} (got ${got})`,
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
    secretKey: e.DOCSORT_SECRET_KEY ?? null,
    publicUrl,
    limits: {
      maxUploadBytes: e.DOCSORT_MAX_UPLOAD_BYTES,
      maxPages: e.DOCSORT_MAX_PAGES,
      parseTimeoutMs: e.DOCSORT_PARSE_TIMEOUT_MS,
      downloadTimeoutMs: e.DOCSORT_DOWNLOAD_TIMEOUT_MS,
      syncTimeoutMs: e.DOCSORT_SYNC_TIMEOUT_MS,
      contextDefaultPages: e.DOCSORT_CONTEXT_DEFAULT_PAGES,
      learnFromConfidentRuns: e.DOCSORT_LEARN_FROM_CONFIDENT_RUNS,
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
    webhooks: {
      timeoutMs: e.DOCSORT_WEBHOOK_TIMEOUT_MS,
      retryScheduleMs: e.DOCSORT_WEBHOOK_RETRY_SCHEDULE,
      concurrency: e.DOCSORT_WEBHOOK_CONCURRENCY,
      endpointConcurrency: e.DOCSORT_WEBHOOK_ENDPOINT_CONCURRENCY,
      pollMs: e.DOCSORT_WEBHOOK_POLL_MS,
      logRetentionDays: e.DOCSORT_WEBHOOK_LOG_RETENTION_DAYS,
    },
    parsing: {
      isolation: e.DOCSORT_PARSE_ISOLATION,
      processes: e.DOCSORT_PARSE_PROCESSES ?? null,
      memoryMb: e.DOCSORT_PARSE_MEMORY_MB,
      ocrEngine: e.DOCSORT_OCR_ENGINE,
      ocrWorkers: e.DOCSORT_OCR_WORKERS ?? null,
      ocrPageTimeoutMs: e.DOCSORT_OCR_PAGE_TIMEOUT_MS,
      ocrDpi: e.DOCSORT_OCR_DPI,
      maxImagePixels: e.DOCSORT_MAX_IMAGE_PIXELS,
      maxUncompressedBytes: e.DOCSORT_MAX_UNCOMPRESSED_BYTES,
      maxZipEntries: e.DOCSORT_MAX_ZIP_ENTRIES,
      maxAttachments: e.DOCSORT_MAX_ATTACHMENTS,
      maxAttachmentBytes: e.DOCSORT_MAX_ATTACHMENT_BYTES,
    },
    llm: {
      mode: e.DOCSORT_LLM_MODE ?? (e.DOCSORT_LLM_BASE_URL ? 'escalate' : 'off'),
      baseUrl: e.DOCSORT_LLM_BASE_URL?.replace(/\/+$/, '') ?? null,
      model: e.DOCSORT_LLM_MODEL ?? null,
      apiKey: e.DOCSORT_LLM_API_KEY ?? null,
      escalateBelow: e.DOCSORT_LLM_ESCALATE_BELOW,
      timeoutMs: e.DOCSORT_LLM_TIMEOUT_MS,
      maxRetries: e.DOCSORT_LLM_MAX_RETRIES,
      maxInputTokens: e.DOCSORT_LLM_MAX_INPUT_TOKENS,
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
