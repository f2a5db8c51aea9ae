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
