import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { FsBlobStore } from '../adapters/blob/fs-blob-store.js';
import { createEngineRouter, createLlmClassifier } from '../adapters/classifiers/llm/index.js';
import { createLocalClassifier } from '../adapters/classifiers/local/index.js';
import { createHttpDownloader } from '../adapters/http/download.js';
import { createWebhookSender } from '../adapters/http/webhook-sender.js';
import { createDocumentParser } from '../adapters/parsers/index.js';
import { createIsolatedParser } from '../adapters/parsers/isolation/isolated-parser.js';
import type { Config } from '../config/config.js';
import type { CoreDeps } from '../core/context.js';
import { RunNotifier } from '../core/run-notifier.js';
import { createSecretBox, type SecretBox } from '../lib/secret-box.js';
import type { DocumentClassifier } from '../ports/classifier.js';
import { systemClock } from '../ports/clock.js';
import type { DocumentParser } from '../ports/parser.js';
import { type DatabaseHandle, type Db, type OpenOptions, openDatabase } from '../store/database.js';
import { SEALED } from '../store/sealed-columns.js';
import { sealLegacySecrets, verifySecretKey } from '../store/sealed-secrets.js';
import { describeSecretKey, resolveSecretKey, type SecretKey } from './secret-key.js';

/** The URL signing secret: stored once (sealed) in the database and shared by every process. */
async function presignSecret(db: Db, box: SecretBox): Promise<string> {
  const key = 'presign_secret';
  const fresh = box.seal(randomBytes(32).toString('hex'), SEALED.presignSecret);
  await db
    .insertInto('settings')
    .values({ key, value: fresh })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return box.open(row.value, SEALED.presignSecret);
}

export interface Container {
  deps: CoreDeps;
  database: DatabaseHandle;
  /** Where the sealing key came from (never the key itself), for the start-up log. */
  secretKey: Pick<SecretKey, 'source' | 'file'>;
  /** Clear values written before sealing existed, sealed by this start. */
  sealedOnStart: number;
  close(): Promise<void>;
}

/**
 * Open the database and check the sealing key against it before anything else starts: a wrong key
 * stops the start with one message instead of failing each request that needs a secret.
 */
async function openSealedDatabase(config: Config, dbOptions: OpenOptions) {
  const secretKey = resolveSecretKey(config);
  const box = createSecretBox(secretKey.key);
  const database = await openDatabase(config.database, dbOptions);
  try {
    await verifySecretKey(database.db, box, describeSecretKey(secretKey));
    const sealedOnStart = await sealLegacySecrets(database.db, box);
    return { database, box, secretKey, sealedOnStart };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** The composition root: configuration in, adapters chosen, everything wired. */
export async function createContainer(config: Config, dbOptions: OpenOptions = {}): Promise<Container> {
  const { database, box, secretKey, sealedOnStart } = await openSealedDatabase(config, dbOptions);
  const deps: CoreDeps = {
    db: database.db,
    dialect: database.dialect,
    clock: systemClock,
    blobs: new FsBlobStore(path.join(config.dataDir, 'files')),
    parser: createParser(config.parsing),
    classifier: createClassifier(config.llm),
    downloader: createHttpDownloader({
      policy: config.network,
      timeoutMs: config.limits.downloadTimeoutMs,
      maxBytes: config.limits.maxUploadBytes,
    }),
    notifier: new RunNotifier(),
    webhookSender: createWebhookSender({ policy: config.network }),
    urlSecret: await presignSecret(database.db, box),
    secrets: box,
    config,
  };
  return {
    deps,
    database,
    secretKey: { source: secretKey.source, file: secretKey.file },
    sealedOnStart,
    async close() {
      await deps.webhookSender.close();
      await deps.parser.close?.();
      await database.close();
    },
  };
}

/**
 * The local engine, and the language model when one is configured, behind one router. The model's endpoint
 * is operator configuration (typically localhost), so it is called directly, not through the SSRF-guarded
 * agent that user-supplied URLs go through.
 */
function createClassifier(llm: Config['llm']): DocumentClassifier {
  const local = createLocalClassifier();
  const model =
    llm.baseUrl && llm.model
      ? createLlmClassifier({
          baseUrl: llm.baseUrl,
          model: llm.model,
          apiKey: llm.apiKey,
          timeoutMs: llm.timeoutMs,
          maxRetries: llm.maxRetries,
          maxInputTokens: llm.maxInputTokens,
          // The stored examples' terms are the local engine's: the document's must be too, to compare them.
          ...(local.featurize ? { featurize: local.featurize.bind(local) } : {}),
        })
      : null;
  return createEngineRouter({
    local,
    llm: model,
    mode: model ? llm.mode : 'off',
    escalateBelow: llm.escalateBelow,
  });
}

/**
 * Files are parsed in separate processes, so a crash, hang or memory blow-up fails one file and never the
 * server; DOCSORT_PARSE_ISOLATION=none parses in this process (profiling, debugging).
 */
export function createParser(parsing: Config['parsing']): DocumentParser {
  const options = {
    ocrEngine: parsing.ocrEngine,
    ocrWorkers: parsing.ocrWorkers ?? undefined,
    pageTimeoutMs: parsing.ocrPageTimeoutMs,
    renderDpi: parsing.ocrDpi,
    maxImagePixels: parsing.maxImagePixels,
    maxUncompressedBytes: parsing.maxUncompressedBytes,
    maxZipEntries: parsing.maxZipEntries,
    maxAttachments: parsing.maxAttachments,
    maxAttachmentBytes: parsing.maxAttachmentBytes,
  };
  if (parsing.isolation === 'none') return createDocumentParser(options);
  return createIsolatedParser({
    ...options,
    processes: parsing.processes ?? undefined,
    memoryMb: parsing.memoryMb,
  });
}
