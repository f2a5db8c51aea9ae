/**
 * The API objects the dashboard reads, as src/core/serialize.ts renders them (Extend's 2026-02-09
 * shapes). Written out here because the server's types pull in Node-only modules; keep them in step.
 */

export type RunStatus = 'PENDING' | 'PROCESSING' | 'PROCESSED' | 'FAILED' | 'CANCELLED';
export const RUN_STATUSES: RunStatus[] = ['PENDING', 'PROCESSING', 'PROCESSED', 'FAILED', 'CANCELLED'];

export interface ApiList<T> {
  object: 'list';
  data: T[];
  nextPageToken?: string;
}

export interface Classification {
  id: string;
  type: string;
  description: string;
}

export interface ClassifyConfig {
  baseProcessor?: 'classification_performance' | 'classification_light';
  baseVersion?: string;
  classifications: Classification[];
  classificationRules?: string;
  advancedOptions?: {
    context?: 'default' | 'max';
    advancedMultimodalEnabled?: boolean;
    memoryEnabled?: boolean;
    pageRanges?: { start: number; end: number }[];
  };
  parseConfig?: Record<string, unknown>;
}

export interface ClassifierSummary {
  object: 'classifier';
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface VersionSummary {
  object: 'classifier_version';
  id: string;
  description: string | null;
  version: string;
  classifierId: string;
  createdAt: string;
  createdBy: { type: string; name?: string; email?: string } | null;
}

export interface ClassifierVersion extends VersionSummary {
  config: ClassifyConfig;
}

export interface Classifier extends ClassifierSummary {
  draftVersion: ClassifierVersion;
}

export interface ClassifyOutput {
  id: string;
  type: string;
  confidence: number;
  insights: { type: 'reasoning'; content: string }[];
}

export interface FileSummary {
  object: 'file';
  id: string;
  name: string;
  type: string | null;
  parentFileId: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface FileObject extends FileSummary {
  presignedUrl: string | null;
}

export interface ClassifyRunSummary {
  object: 'classify_run';
  id: string;
  classifier: ClassifierSummary | null;
  classifierVersion: VersionSummary | null;
  status: RunStatus;
  failureReason: string | null;
  failureMessage: string | null;
  metadata: Record<string, unknown> | null;
  reviewed: boolean;
  edited: boolean;
  file: FileSummary | null;
  parseRunId: string | null;
  dashboardUrl: string;
  usage: { credits: number; totalCredits?: number } | null;
  createdAt: string;
  updatedAt: string;
}

/** A list item: Docsort adds the answer's type and confidence (null until the run has an output). */
export interface ClassifyRunListItem extends ClassifyRunSummary {
  outputType: string | null;
  outputConfidence: number | null;
}

export interface ClassifyRun extends ClassifyRunSummary {
  output: ClassifyOutput | null;
  initialOutput: ClassifyOutput | null;
  reviewedOutput: ClassifyOutput | null;
  config: ClassifyConfig;
}

export interface ParseChunk {
  object: 'chunk';
  type: 'page' | 'document' | 'section';
  content: string;
  metadata: { pageRange: { start: number; end: number } };
}

export interface ParseRun {
  object: 'parse_run';
  id: string;
  status: string;
  failureReason: string | null;
  failureMessage: string | null;
  output: { chunks: ParseChunk[] } | null;
}

/** Webhooks (src/core/webhook-serialize.ts; the delivery log is a Docsort extension). */
export type WebhookEndpointStatus = 'enabled' | 'disabled';

export interface WebhookAdvancedOptions {
  headers?: Record<string, string>;
  payload?: { format: 'json' | 'url'; urlThresholdBytes?: number };
}

export interface WebhookEndpoint {
  object: 'webhook_endpoint';
  id: string;
  url: string;
  name: string;
  status: WebhookEndpointStatus;
  enabledEvents: string[];
  apiVersion: string;
  advancedOptions: WebhookAdvancedOptions | null;
  createdAt: string;
  createdBy: { type: string; name: string } | null;
  /** Why Docsort disabled it (410 Gone, or failing for days); null when a person did. */
  disabledReason: string | null;
  failingSince: string | null;
}

/** Creation and rotation answers: the only times the secret leaves the server. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  signingSecret: string;
  previousSecretExpiresAt?: string;
}

export interface WebhookEndpointInput {
  url: string;
  name: string;
  enabledEvents: string[];
  advancedOptions?: WebhookAdvancedOptions | null;
}

export type DeliveryStatus = 'pending' | 'failed' | 'succeeded' | 'exhausted';
export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'failed', 'succeeded', 'exhausted'];

export interface WebhookAttempt {
  object: 'webhook_delivery_attempt';
  id: string;
  attemptedAt: string;
  statusCode: number | null;
  latencyMs: number;
  /** The first 2 KB of the response. */
  responseBody: string | null;
  error: string | null;
}

export interface WebhookDelivery {
  object: 'webhook_delivery';
  id: string;
  webhookEndpointId: string;
  eventId: string;
  eventType: string;
  /** What the event is about: a run's `clr_...`, a classifier's `cl_...`. */
  resourceId: string | null;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  attempts: WebhookAttempt[];
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDeliveryDetail extends WebhookDelivery {
  request: {
    method: 'POST';
    url: string;
    headers: Record<string, string>;
    /** Signature and timestamp headers, made afresh at every attempt. */
    perAttemptHeaders: string[];
    /** The body with the payload inline, as JSON text; null once the event is gone. */
    body: string | null;
    payloadFormat: 'json' | 'signed_data_url';
  };
}

export interface WebhookReplay {
  object: 'webhook_replay';
  webhookEndpointId: string;
  since: string;
  requeued: number;
}

/** `GET /usage/daily` (Docsort extension): one entry per UTC day of the range. */
export interface UsageByClassifier {
  /** null for runs made with an inline config. */
  classifierId: string | null;
  name: string | null;
  runs: number;
  credits: number;
}

export interface UsageDay {
  date: string;
  runs: number;
  processed: number;
  failed: number;
  pagesClassified: number;
  classifyCredits: number;
  parseCredits: number;
  credits: number;
  byClassifier: UsageByClassifier[];
}

export interface UsageReport {
  object: 'usage';
  from: string;
  to: string;
  days: UsageDay[];
}
