/**
 * Seeds many classify runs straight into a Docsort database for bench/run-list.ts: bulk inserts through
 * Kysely in one transaction, no jobs (the worker never sees them), a deterministic pseudo-random spread.
 *
 * What a busy installation looks like after a few months: 8 classifiers with 4–8 types each and a
 * skewed use of types, 90% PROCESSED / 7% FAILED / 3% CANCELLED with the newest 0.5% still PENDING or
 * PROCESSING, confidences mostly high with a tail of doubtful ones, 12% of the processed runs reviewed
 * (a fifth of those corrected), a tenth from batches, one file per run, spread over the last 180 days.
 */
import type { Db } from '../src/store/database.js';
import type { Database } from '../src/store/schema.js';

export interface SeedClassifier {
  id: string;
  versionId: string;
  config: { classifications: { id: string; type: string; description: string }[] };
}

export interface SeedResult {
  runs: number;
  files: number;
  seconds: number;
  /** The newest run's created_at: the end of the seeded time span. */
  newest: string;
  oldest: string;
}

const TYPE_POOL = [
  'invoice',
  'receipt',
  'letter',
  'contract',
  'purchase_order',
  'bank_statement',
  'payslip',
  'tax_form',
  'id_document',
  'insurance_claim',
  'delivery_note',
  'medical_report',
];

/** The configs the bench creates its classifiers with (through the API, so they are real). */
export function seedClassifierConfigs(count: number): SeedClassifier['config'][] {
  return Array.from({ length: count }, (_, c) => {
    const n = 3 + (c % 5);
    const types = Array.from({ length: n }, (_, k) => TYPE_POOL[(c * 3 + k) % TYPE_POOL.length]!);
    return {
      classifications: [
        ...types.map((t) => ({
          id: t,
          type: t,
          description: `A ${t.replace('_', ' ')}: ${'the kind of document a back office receives every day, with the usual headings, amounts, parties and dates. '.repeat(3)}`,
        })),
        { id: 'other', type: 'other', description: 'Anything else.' },
      ],
    };
  });
}

/** mulberry32: small, fast and deterministic, so two runs of the bench seed the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function fakeId(prefix: string, rand: () => number): string {
  let s = '';
  for (let i = 0; i < 21; i++) s += ALNUM[Math.floor(rand() * 62)];
  return `${prefix}_${s}`;
}

const FILE_KINDS = [
  { ext: 'pdf', mime: 'application/pdf', type: 'PDF' },
  { ext: 'png', mime: 'image/png', type: 'IMG' },
  {
    ext: 'docx',
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    type: 'DOCX',
  },
  { ext: 'eml', mime: 'message/rfc822', type: 'EML' },
];

type RunInsert = Database['classify_runs'];
type FileInsert = Database['files'];

export async function seedRuns(
  db: Db,
  opts: { workspaceId: string; classifiers: SeedClassifier[]; runs: number; now: Date; batchSize?: number },
): Promise<SeedResult> {
  const t0 = performance.now();
  const rand = prng(20260209);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const spanMs = 180 * 86_400_000;
  const start = opts.now.getTime() - spanMs;
  const step = spanMs / opts.runs;
  const batchSize = opts.batchSize ?? 400;
  const batches = Array.from({ length: 200 }, () => fakeId('bpr', rand));
  const configText = opts.classifiers.map((c) => JSON.stringify(c.config));
  let oldest = '';
  let newest = '';

  await db.transaction().execute(async (trx) => {
    for (let from = 0; from < opts.runs; from += batchSize) {
      const runs: RunInsert[] = [];
      const files: FileInsert[] = [];
      for (let i = from; i < Math.min(opts.runs, from + batchSize); i++) {
        const created = new Date(start + i * step + rand() * step * 0.9);
        const createdIso = created.toISOString();
        if (i === 0) oldest = createdIso;
        newest = createdIso;
        const ci = Math.floor(rand() ** 1.5 * opts.classifiers.length);
        const classifier = opts.classifiers[ci]!;
        const classes = classifier.config.classifications;
        const kind = pick(FILE_KINDS);
        const fileId = fakeId('file', rand);
        // Skewed: the first types of a classifier are the common ones.
        const chosen = classes[Math.floor(rand() ** 2 * classes.length)]!;
        const name = `${chosen.type === 'other' ? 'scan' : chosen.type}-${2024 + (i % 3)}-${String(i).padStart(6, '0')}.${kind.ext}`;
        files.push({
          id: fileId,
          workspace_id: opts.workspaceId,
          name,
          type: kind.type,
          mime_type: kind.mime,
          size_bytes: 20_000 + Math.floor(rand() * 2_000_000),
          sha256: fakeId('sha', rand),
          blob_key: `bench/${fileId}`,
          parent_file_id: null,
          metadata: '{}',
          password: null,
          created_at: createdIso,
          updated_at: createdIso,
        });

        const inFlight = i >= opts.runs * 0.995;
        const r = rand();
        const status = inFlight
          ? rand() < 0.5
            ? 'PENDING'
            : 'PROCESSING'
          : r < 0.9
            ? 'PROCESSED'
            : r < 0.97
              ? 'FAILED'
              : 'CANCELLED';
        const finished = new Date(created.getTime() + 800 + Math.floor(rand() * 6000));
        let output: string | null = null;
        let outputType: string | null = null;
        let confidence: number | null = null;
        let initial: string | null = null;
        let reviewedOutput: string | null = null;
        let reviewed = 0;
        let edited = 0;
        let updated = status === 'PENDING' || status === 'PROCESSING' ? createdIso : finished.toISOString();
        if (status === 'PROCESSED') {
          // Mostly sure, with a tail of doubtful answers (about 12% below 0.6).
          confidence = Math.round((0.25 + 0.74 * (1 - rand() ** 3)) * 1000) / 1000;
          const machine = {
            id: chosen.id,
            type: chosen.type,
            confidence,
            insights: [
              {
                type: 'reasoning',
                content: `The document reads like a ${chosen.type}: its headings, amounts and parties match the description best.`,
              },
            ],
          };
          output = JSON.stringify(machine);
          outputType = chosen.type;
          if (rand() < 0.12) {
            reviewed = 1;
            edited = rand() < 0.2 ? 1 : 0;
            const final = edited ? pick(classes) : chosen;
            const review = {
              id: final.id,
              type: final.type,
              confidence: 1,
              insights: [{ type: 'reasoning', content: `Reviewed by bench: confirmed "${final.id}".` }],
            };
            initial = output;
            output = JSON.stringify(review);
            reviewedOutput = output;
            outputType = final.type;
            confidence = 1;
            const later = finished.getTime() + Math.floor(rand() * 3 * 86_400_000);
            updated = new Date(Math.min(later, opts.now.getTime())).toISOString();
          }
        }
        const fromBatch = rand() < 0.1;
        const batchId = fromBatch ? pick(batches) : null;
        runs.push({
          id: fakeId('clr', rand),
          workspace_id: opts.workspaceId,
          status,
          classifier_id: classifier.id,
          classifier_version_id: classifier.versionId,
          config: configText[ci]!,
          file_id: fileId,
          file_input: null,
          file_name: name,
          parse_run_id: null,
          output,
          output_type: outputType,
          output_confidence: confidence,
          initial_output: initial,
          reviewed_output: reviewedOutput,
          reviewed,
          edited,
          failure_reason: status === 'FAILED' ? 'FAILED_TO_PROCESS_FILE' : null,
          failure_message: status === 'FAILED' ? 'CORRUPT_FILE: the PDF has no readable pages.' : null,
          metadata: rand() < 0.3 ? JSON.stringify({ customer: `c-${Math.floor(rand() * 500)}` }) : null,
          usage: status === 'PROCESSED' ? JSON.stringify({ credits: 1, totalCredits: 2 }) : null,
          batch_id: batchId,
          source: fromBatch ? 'BATCH_PROCESSOR_RUN' : 'API',
          source_id: batchId,
          priority: 50,
          started_at: status === 'PENDING' ? null : createdIso,
          created_at: createdIso,
          updated_at: updated,
        });
      }
      await trx.insertInto('files').values(files).execute();
      await trx.insertInto('classify_runs').values(runs).execute();
    }
  });
  return { runs: opts.runs, files: opts.runs, seconds: (performance.now() - t0) / 1000, newest, oldest };
}
