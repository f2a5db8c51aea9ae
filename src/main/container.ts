import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { FsBlobStore } from '../adapters/blob/fs-blob-store.js';
import { createLocalClassifier } from '../adapters/classifiers/local/index.js';
import { createHttpDownloader } from '../adapters/http/download.js';
import { createDocumentParser } from '../adapters/parsers/index.js';
import type { Config } from '../config/config.js';
import type { CoreDeps } from '../core/context.js';
import { RunNotifier } from '../core/run-notifier.js';
import { systemClock } from '../ports/clock.js';
import { type DatabaseHandle, type Db, type OpenOptions, openDatabase } from '../store/database.js';

/** A value stored once in the database and shared by every process (e.g. the URL signing secret). */
async function sharedSecret(db: Db, key: string): Promise<string> {
  const fresh = randomBytes(32).toString('hex');
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
  return row.value;
}

export interface Container {
  deps: CoreDeps;
  database: DatabaseHandle;
  close(): Promise<void>;
}

/** The composition root: configuration in, adapters chosen, everything wired. */
export async function createContainer(config: Config, dbOptions: OpenOptions = {}): Promise<Container> {
  const database = await openDatabase(config.database, dbOptions);
  const deps: CoreDeps = {
    db: database.db,
    dialect: database.dialect,
    clock: systemClock,
    blobs: new FsBlobStore(path.join(config.dataDir, 'files')),
    parser: createDocumentParser(),
    classifier: createLocalClassifier(),
    downloader: createHttpDownloader({
      policy: config.network,
      timeoutMs: config.limits.downloadTimeoutMs,
      maxBytes: config.limits.maxUploadBytes,
    }),
    notifier: new RunNotifier(),
    urlSecret: await sharedSecret(database.db, 'presign_secret'),
    config,
  };
  return { deps, database, close: () => database.close() };
}
