/**
 * Event types as Extend's API defines them (spec §6.1, §6.2; extend-ai `WebhookEndpointEventType`,
 * `WebhookSubscriptionEventType`). Endpoints accept every global type Extend knows, so configurations
 * written for Extend work unchanged; Docsort emits the classification and parse ones.
 */
export const ENDPOINT_EVENT_TYPES = [
  'parse_run.processed',
  'parse_run.failed',
  'edit_run.processed',
  'edit_run.failed',
  'extract_run.processed',
  'extract_run.failed',
  'classify_run.processed',
  'classify_run.failed',
  'split_run.processed',
  'split_run.failed',
  'batch_processor_run.processed',
  'batch_processor_run.failed',
  'batch_parse_run.processed',
  'batch_parse_run.failed',
  'extractor.created',
  'extractor.updated',
  'extractor.deleted',
  'extractor.draft.updated',
  'extractor.version.published',
  'classifier.created',
  'classifier.updated',
  'classifier.deleted',
  'classifier.draft.updated',
  'classifier.version.published',
  'splitter.created',
  'splitter.updated',
  'splitter.deleted',
  'splitter.draft.updated',
  'splitter.version.published',
  'workflow.created',
  'workflow.deployed',
  'workflow.deleted',
] as const;

export type EndpointEventType = (typeof ENDPOINT_EVENT_TYPES)[number];

export const SUBSCRIPTION_RESOURCE_TYPES = ['extractor', 'classifier', 'splitter', 'workflow'] as const;
export type SubscriptionResourceType = (typeof SUBSCRIPTION_RESOURCE_TYPES)[number];

const BATCH_EVENTS = ['batch_processor_run.processed', 'batch_processor_run.failed'] as const;

/** The events a subscription may name, per resource type. */
export const SUBSCRIPTION_EVENT_TYPES: Record<SubscriptionResourceType, readonly string[]> = {
  extractor: ['extract_run.processed', 'extract_run.failed', ...BATCH_EVENTS],
  classifier: ['classify_run.processed', 'classify_run.failed', ...BATCH_EVENTS],
  splitter: ['split_run.processed', 'split_run.failed', ...BATCH_EVENTS],
  workflow: [
    'workflow_run.completed',
    'workflow_run.failed',
    'workflow_run.needs_review',
    'workflow_run.rejected',
    'workflow_run.cancelled',
    'workflow_run.step_run.processed',
  ],
};

/** Every subscription event type, for the request schema. */
export const SUBSCRIPTION_EVENT_TYPE_LIST = [
  ...new Set(Object.values(SUBSCRIPTION_EVENT_TYPES).flat()),
] as readonly string[];

/** Resource types Docsort has resources of; the others would never match an event. */
export const SUPPORTED_RESOURCE_TYPES: ReadonlySet<SubscriptionResourceType> = new Set(['classifier']);
