import type { Config } from '../config/config.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { DocumentClassifier } from '../ports/classifier.js';
import type { Clock } from '../ports/clock.js';
import type { Downloader } from '../ports/downloader.js';
import type { DocumentParser } from '../ports/parser.js';
import type { WebhookSender } from '../ports/webhook-sender.js';
import type { Db } from '../store/database.js';
import type { RunNotifier } from './run-notifier.js';

/** Everything the use-cases need, chosen once by the composition root in main/. */
export interface CoreDeps {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  clock: Clock;
  blobs: BlobStore;
  parser: DocumentParser;
  classifier: DocumentClassifier;
  downloader: Downloader;
  notifier: RunNotifier;
  /** Webhook URL vetting and delivery through the network policy's guarded agent. */
  webhookSender: WebhookSender;
  /** Secret for presigned file URLs, shared by every process through the database. */
  urlSecret: string;
  /** Seals secrets the database stores but must read back (file passwords, webhook signing secrets). */
  secrets: SecretBox;
  config: Pick<Config, 'publicUrl' | 'limits' | 'presignTtlSeconds' | 'worker' | 'network' | 'webhooks'>;
}

/** Who is acting: the workspace of the API key and the key's name (for `createdBy`). */
export interface Actor {
  workspaceId: string;
  keyName: string;
}
