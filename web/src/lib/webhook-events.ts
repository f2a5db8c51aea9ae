/**
 * The event types Docsort sends (src/store/events.ts), grouped for the endpoint form. Endpoints also
 * accept Extend's other types (extract_run.*, workflow.*, ...) so configurations written for Extend
 * work; Docsort never sends those, so the form offers them only when an endpoint already has them.
 */
export interface EventGroup {
  label: string;
  events: { type: string; description: string }[];
}

export const EVENT_GROUPS: EventGroup[] = [
  {
    label: 'Classify runs',
    events: [
      { type: 'classify_run.processed', description: 'A run finished with a classification' },
      { type: 'classify_run.failed', description: 'A run failed (reason and message in the payload)' },
    ],
  },
  {
    label: 'Batches of classify runs',
    events: [
      { type: 'batch_processor_run.processed', description: 'Every run of a batch finished' },
      { type: 'batch_processor_run.failed', description: 'A batch failed' },
    ],
  },
  {
    label: 'Classifiers',
    events: [
      { type: 'classifier.created', description: 'A classifier was created' },
      { type: 'classifier.updated', description: 'A classifier was renamed' },
      { type: 'classifier.draft.updated', description: "A classifier's draft was saved" },
      { type: 'classifier.version.published', description: 'A version was published' },
      { type: 'classifier.deleted', description: 'A classifier was deleted' },
    ],
  },
  {
    label: 'Parse runs',
    events: [
      { type: 'parse_run.processed', description: 'A document was parsed' },
      { type: 'parse_run.failed', description: 'Parsing failed' },
      { type: 'batch_parse_run.processed', description: 'A batch of parse runs finished' },
      { type: 'batch_parse_run.failed', description: 'A batch of parse runs failed' },
    ],
  },
];

export const SENT_EVENT_TYPES: ReadonlySet<string> = new Set(
  EVENT_GROUPS.flatMap((g) => g.events.map((e) => e.type)),
);

/** What a new endpoint starts with: the events most receivers want. */
export const DEFAULT_EVENTS = ['classify_run.processed', 'classify_run.failed'];

/** The dashboard page of the resource an event is about, when it has one. */
export function resourcePath(resourceId: string | null): string | null {
  if (!resourceId) return null;
  if (resourceId.startsWith('clr_')) return `/runs/${resourceId}`;
  if (resourceId.startsWith('cl_')) return `/classifiers/${resourceId}`;
  return null;
}
