import { newId } from '../lib/ids.js';
import type { Executor } from './database.js';

/** Every event type Docsort emits for classification (spec §6.2). */
export type EventType =
  | 'classify_run.processed'
  | 'classify_run.failed'
  | 'classifier.created'
  | 'classifier.updated'
  | 'classifier.deleted'
  | 'classifier.draft.updated'
  | 'classifier.version.published'
  | 'batch_processor_run.processed'
  | 'batch_processor_run.failed'
  | 'parse_run.processed'
  | 'parse_run.failed'
  | 'batch_parse_run.processed'
  | 'batch_parse_run.failed';

export interface StoredEvent {
  eventId: string;
  eventType: EventType;
  payload: unknown;
  createdAt: string;
}

/**
 * The outbox: an event row written inside the transaction of the state change it describes, with
 * the payload frozen as the resource was at that moment. The webhook dispatcher delivers it later.
 */
export async function recordEvent(
  ex: Executor,
  now: Date,
  workspaceId: string,
  type: EventType,
  resourceId: string,
  payload: unknown,
  /** What webhook subscriptions match on: the classifier of a run or batch (spec §6.1). */
  subjectId: string | null = null,
): Promise<string> {
  const id = newId('event');
  await ex
    .insertInto('events')
    .values({
      id,
      workspace_id: workspaceId,
      type,
      resource_id: resourceId,
      subject_id: subjectId,
      payload: JSON.stringify(payload),
      created_at: now.toISOString(),
    })
    .execute();
  return id;
}

export async function listEventsFor(ex: Executor, resourceId: string): Promise<StoredEvent[]> {
  const rows = await ex
    .selectFrom('events')
    .selectAll()
    .where('resource_id', '=', resourceId)
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((r) => ({
    eventId: r.id,
    eventType: r.type as EventType,
    payload: JSON.parse(r.payload) as unknown,
    createdAt: r.created_at,
  }));
}
