import type { Selectable } from 'kysely';
import type { Database } from '../store/schema.js';
import type { ClassifyConfig } from './schemas.js';

/**
 * Rows to API objects, field for field as the extend-ai SDK's types declare them: every key
 * present, null where empty (spec §2, §3.1).
 */
type Row<T extends keyof Database> = Selectable<Database[T]>;

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

export interface ClassifyOutput {
  id: string;
  type: string;
  confidence: number;
  insights: { type: 'reasoning'; content: string }[];
}

export interface RunUsage {
  credits: number;
  totalCredits?: number;
  breakdown?: {
    object: string;
    id: string;
    credits: number;
    /** Extension: on the classify_run entry, the engine that decided (`local-lexical@1`, `llm:<model>`). */
    engine?: string;
    charges?: { product: string; unit: string; quantity: number; credits: number; pages?: number[] }[];
  }[];
}

/**
 * The columns each summary reads, so that a query can select just those (run-loader joins them onto a run);
 * the summaries take rows of exactly these, so reading another column is a type error until it is listed.
 */
export const FILE_SUMMARY_COLUMNS = [
  'id',
  'name',
  'type',
  'parent_file_id',
  'metadata',
  'created_at',
  'updated_at',
] as const;
export const CLASSIFIER_SUMMARY_COLUMNS = ['id', 'name', 'created_at', 'updated_at'] as const;
export const VERSION_SUMMARY_COLUMNS = [
  'id',
  'description',
  'version',
  'classifier_id',
  'created_at',
  'created_by',
] as const;
export type FileSummaryRow = Pick<Row<'files'>, (typeof FILE_SUMMARY_COLUMNS)[number]>;
export type ClassifierSummaryRow = Pick<Row<'classifiers'>, (typeof CLASSIFIER_SUMMARY_COLUMNS)[number]>;
export type VersionSummaryRow = Pick<Row<'classifier_versions'>, (typeof VERSION_SUMMARY_COLUMNS)[number]>;

export function fileSummary(f: FileSummaryRow) {
  return {
    object: 'file' as const,
    id: f.id,
    name: f.name,
    type: f.type,
    parentFileId: f.parent_file_id,
    metadata: JSON.parse(f.metadata) as Record<string, unknown>,
    createdAt: f.created_at,
    updatedAt: f.updated_at,
  };
}

export function fileObject(f: Row<'files'>, presignedUrl: string | null) {
  const s = fileSummary(f);
  return {
    object: s.object,
    id: s.id,
    name: s.name,
    type: s.type,
    presignedUrl,
    parentFileId: s.parentFileId,
    contents: null,
    metadata: s.metadata,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export function classifierSummary(c: ClassifierSummaryRow) {
  return {
    object: 'classifier' as const,
    id: c.id,
    name: c.name,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}

export function versionSummary(v: VersionSummaryRow) {
  return {
    object: 'classifier_version' as const,
    id: v.id,
    description: v.description,
    version: v.version,
    classifierId: v.classifier_id,
    createdAt: v.created_at,
    createdBy: json<{ type: string; name?: string; email?: string }>(v.created_by),
  };
}

export function versionObject(v: Row<'classifier_versions'>) {
  const s = versionSummary(v);
  return {
    object: s.object,
    id: s.id,
    description: s.description,
    version: s.version,
    config: JSON.parse(v.config) as ClassifyConfig,
    classifierId: s.classifierId,
    createdAt: s.createdAt,
    createdBy: s.createdBy,
  };
}

export function classifierObject(c: Row<'classifiers'>, draft: Row<'classifier_versions'>) {
  return { ...classifierSummary(c), draftVersion: versionObject(draft) };
}

export interface RunRelations {
  classifier: ClassifierSummaryRow | null;
  version: VersionSummaryRow | null;
  file: FileSummaryRow | null;
}

export function dashboardUrl(publicUrl: string, runId: string): string {
  return `${publicUrl}/runs/${runId}`;
}

export function classifyRunObject(r: Row<'classify_runs'>, rel: RunRelations, publicUrl: string) {
  return {
    object: 'classify_run' as const,
    id: r.id,
    status: r.status,
    output: json<ClassifyOutput>(r.output),
    classifier: rel.classifier ? classifierSummary(rel.classifier) : null,
    classifierVersion: rel.version ? versionSummary(rel.version) : null,
    initialOutput: json<ClassifyOutput>(r.initial_output),
    reviewedOutput: json<ClassifyOutput>(r.reviewed_output),
    failureReason: r.failure_reason,
    failureMessage: r.failure_message,
    metadata: json<Record<string, unknown>>(r.metadata),
    reviewed: r.reviewed === 1,
    edited: r.edited === 1,
    config: JSON.parse(r.config) as ClassifyConfig,
    file: rel.file ? fileSummary(rel.file) : null,
    parseRunId: r.parse_run_id,
    dashboardUrl: dashboardUrl(publicUrl, r.id),
    usage: json<RunUsage>(r.usage),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
export type ClassifyRunObject = ReturnType<typeof classifyRunObject>;

export function classifyRunSummary(r: Row<'classify_runs'>, rel: RunRelations, publicUrl: string) {
  const usage = json<RunUsage>(r.usage);
  return {
    object: 'classify_run' as const,
    id: r.id,
    classifier: rel.classifier ? classifierSummary(rel.classifier) : null,
    classifierVersion: rel.version ? versionSummary(rel.version) : null,
    status: r.status,
    failureReason: r.failure_reason,
    failureMessage: r.failure_message,
    metadata: json<Record<string, unknown>>(r.metadata),
    reviewed: r.reviewed === 1,
    edited: r.edited === 1,
    file: rel.file ? fileSummary(rel.file) : null,
    parseRunId: r.parse_run_id,
    dashboardUrl: dashboardUrl(publicUrl, r.id),
    // Docsort extension: Extend's summary has no output; lists show the answer without reading each run.
    outputType: r.output_type,
    outputConfidence: r.output_confidence,
    usage: usage
      ? {
          credits: usage.credits,
          ...(usage.totalCredits !== undefined ? { totalCredits: usage.totalCredits } : {}),
        }
      : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function batchRunObject(b: Row<'batch_runs'>) {
  return {
    object: 'batch_run' as const,
    id: b.id,
    status: b.status,
    runCount: b.run_count,
    createdAt: b.created_at,
  };
}

export function parseRunObject(p: Row<'parse_runs'>, file: Row<'files'>) {
  return {
    object: 'parse_run' as const,
    id: p.id,
    batchId: p.batch_id,
    file: fileSummary(file),
    status: p.status,
    failureReason: p.failure_reason,
    failureMessage: p.failure_message,
    metadata: json<Record<string, unknown>>(p.metadata),
    output: json<{ chunks: unknown[] }>(p.output),
    outputUrl: null,
    metrics:
      p.page_count !== null && p.processing_time_ms !== null
        ? { processingTimeMs: p.processing_time_ms, pageCount: p.page_count }
        : null,
    config: JSON.parse(p.config) as Record<string, unknown>,
    usage: json<RunUsage>(p.usage),
  };
}

export function parseRunSummary(p: Row<'parse_runs'>, file: Row<'files'>) {
  const full = parseRunObject(p, file);
  return {
    object: full.object,
    id: full.id,
    batchId: full.batchId,
    file: full.file,
    status: full.status,
    failureReason: full.failureReason,
    failureMessage: full.failureMessage,
    metadata: full.metadata,
    metrics: full.metrics,
    usage: full.usage ? { credits: full.usage.credits } : null,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}

export function parseRunStatusObject(p: Row<'parse_runs'>) {
  return {
    object: 'parse_run_status' as const,
    id: p.id,
    status: p.status,
    failureReason: p.failure_reason,
    failureMessage: p.failure_message,
    metadata: json<Record<string, unknown>>(p.metadata),
  };
}
