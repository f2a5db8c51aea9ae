/**
 * Shared helpers for the SDK flow tests (sdk-*.test.ts): poll options, SDK error assertions, and the
 * key lists of the SDK's object types, checked against those types at compile time.
 */
import { type Extend, ExtendError } from 'extend-ai';
import { expect } from 'vitest';
import { makePdf } from '../fixtures/make-pdf.js';
import { waitFor } from '../support/test-server.js';

/**
 * createAndPoll options: give up after 20 s instead of polling forever. (The SDK's classify-run wrapper
 * forwards only maxWaitMs, initialDelayMs, maxDelayMs and jitterFraction, so it polls once a second.)
 */
export const FAST_POLL = { maxWaitMs: 20_000 };

/** Extend's error envelope (spec §1.4). */
export interface ErrorBody {
  code: string;
  message: string;
  retryable: boolean;
  requestId?: string;
}

/**
 * Await a call that must fail with the SDK error class `cls` (e.g. Extend.NotFoundError); returns the
 * error and its envelope, which is checked to be Extend's shape with the request id of the response.
 */
export async function sdkError(
  call: Promise<unknown>,
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's error classes have different constructor signatures
  cls: new (...args: any[]) => ExtendError,
  status: number,
): Promise<{ err: ExtendError; body: ErrorBody }> {
  const err = await call.then(
    (value) => {
      throw new Error(
        `expected the call to fail with ${cls.name}, got ${JSON.stringify(value)?.slice(0, 300)}`,
      );
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExtendError);
  expect(err).toBeInstanceOf(cls);
  const e = err as ExtendError;
  expect(e.statusCode).toBe(status);
  const body = e.body as ErrorBody;
  expect(body).toMatchObject({
    code: expect.any(String),
    message: expect.any(String),
    retryable: expect.any(Boolean),
  });
  expect(body.requestId).toMatch(/^req_/);
  expect(e.rawResponse?.headers.get('x-extend-request-id')).toBe(body.requestId);
  return { err: e, body };
}

/**
 * Every key of T, listed once. The result is typed `string[]` only when no key of T is missing, so
 * `const X: string[] = keysOf<T>()(...)` stops compiling when the SDK type gains a key.
 */
function keysOf<T>() {
  return <const K extends readonly (keyof T)[]>(
    ...keys: K
  ): [Exclude<keyof T, K[number]>] extends [never]
    ? string[]
    : { missingKeys: Exclude<keyof T, K[number]> } =>
    // biome-ignore lint/suspicious/noExplicitAny: the conditional return type cannot be produced without a cast
    [...keys].map(String).sort() as any;
}

export const CLASSIFY_RUN_KEYS: string[] = keysOf<Extend.ClassifyRun>()(
  'object',
  'id',
  'status',
  'output',
  'classifier',
  'classifierVersion',
  'initialOutput',
  'reviewedOutput',
  'failureReason',
  'failureMessage',
  'metadata',
  'reviewed',
  'edited',
  'config',
  'file',
  'parseRunId',
  'dashboardUrl',
  'usage',
  'createdAt',
  'updatedAt',
);

export const CLASSIFY_RUN_SUMMARY_KEYS: string[] = keysOf<Extend.ClassifyRunSummary>()(
  'object',
  'id',
  'classifier',
  'classifierVersion',
  'status',
  'failureReason',
  'failureMessage',
  'metadata',
  'reviewed',
  'edited',
  'file',
  'parseRunId',
  'dashboardUrl',
  'usage',
  'createdAt',
  'updatedAt',
);

/** Docsort's additions to the list item (docs/api.md): the two fields of `output` a list shows. */
export const CLASSIFY_RUN_SUMMARY_EXTENSION_KEYS: string[] = ['outputConfidence', 'outputType'];

export const FILE_SUMMARY_KEYS: string[] = keysOf<Extend.FileSummary>()(
  'object',
  'id',
  'name',
  'type',
  'parentFileId',
  'metadata',
  'createdAt',
  'updatedAt',
);

export const FILE_KEYS: string[] = keysOf<Extend.File_>()(
  'object',
  'id',
  'name',
  'type',
  'presignedUrl',
  'parentFileId',
  'contents',
  'metadata',
  'createdAt',
  'updatedAt',
);

export const CLASSIFIER_KEYS: string[] = keysOf<Extend.Classifier>()(
  'object',
  'id',
  'name',
  'createdAt',
  'updatedAt',
  'draftVersion',
);

export const CLASSIFIER_VERSION_KEYS: string[] = keysOf<Extend.ClassifierVersion>()(
  'object',
  'id',
  'description',
  'version',
  'config',
  'classifierId',
  'createdAt',
  'createdBy',
);

export const CLASSIFIER_VERSION_SUMMARY_KEYS: string[] = keysOf<Extend.ClassifierVersionSummary>()(
  'object',
  'id',
  'description',
  'version',
  'classifierId',
  'createdAt',
  'createdBy',
);

export const BATCH_RUN_KEYS: string[] = keysOf<Extend.BatchRun>()(
  'object',
  'id',
  'status',
  'runCount',
  'createdAt',
);

/** RFC 3339 UTC with milliseconds, as Extend emits them. */
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export const sortedKeys = (o: object): string[] => Object.keys(o).sort();

export const TERMINAL_STATUSES = ['PROCESSED', 'FAILED', 'CANCELLED'];

/** A one-page text PDF (Helvetica, exact xref) as a File for `client.files.upload`. */
export function pdfFile(name: string, text: string): File {
  return new File([makePdf([text])], name, { type: 'application/pdf' });
}

export function textFile(name: string, text: string): File {
  return new File([text], name, { type: 'text/plain' });
}

/** The signature of a gzip archive and a little more: recognised, and not a format Docsort parses. */
export function gzipFile(name: string): File {
  const bytes = new Uint8Array([
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b, 0x4c, 0x4a,
  ]);
  return new File([bytes], name, { type: 'application/gzip' });
}

/** Timestamps as numbers, for order checks. */
export const ms = (iso: string): number => Date.parse(iso);

/**
 * Wait until the clock (the server's, which runs in this process) has passed `iso`, so the next object
 * gets a later timestamp and an order by time is not decided by the id tie-break.
 */
export async function afterMillisecond(iso: string): Promise<void> {
  await waitFor(async () => Date.now() > ms(iso), 1000, `the clock to pass ${iso}`);
}

export function expectNonIncreasing(values: number[]): void {
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1] as number);
}

export function expectNonDecreasing(values: number[]): void {
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1] as number);
}
