/**
 * tesseract.js (Tesseract compiled to WebAssembly, one worker thread per instance), pooled: workers start on
 * first use, stay warm between pages, and are terminated when idle, broken, or closed.
 *
 * Two traps in tesseract.js 7 are handled here. It downloads language data unless `langPath` is a local
 * path (see lang-data.ts), and a failed job throws from its message handler, outside any promise, unless an
 * `errorHandler` is given: without one, a single unreadable image would crash the process.
 */

import type { Worker as NodeWorker } from 'node:worker_threads';
import type { PSM, Worker as TesseractWorker, WorkerOptions } from 'tesseract.js';
import type { OcrEngine, OcrResult } from './engine.js';
import { toPgm } from './gray-image.js';
import { InstancePool } from './instance-pool.js';
import { englishDataDir, LANGUAGE } from './lang-data.js';

/** Loading the wasm core and the model takes about a second; far more means it is stuck. */
const START_TIMEOUT_MS = 60_000;
const IDLE_MS = 5 * 60_000;
/** tesseract.js's OEM.LSTM_ONLY: the only engine the best_int model has. */
const LSTM_ONLY = 1;

interface PooledWorker {
  worker: TesseractWorker;
  /** Rejects when the worker thread dies: its pending job would never settle, so recognize races this. */
  died: Promise<never>;
  readonly dead: boolean;
}

/** The options every tesseract.js worker is created with: local model, no cache written to the cwd. */
export function tesseractJsWorkerOptions(): Partial<WorkerOptions> {
  return {
    langPath: englishDataDir(),
    gzip: true,
    cacheMethod: 'none',
    logger: () => {},
    errorHandler: () => {},
  };
}

export function createTesseractJsEngine(workers: number, pageSegmentationMode: number): OcrEngine {
  const pool = new InstancePool<PooledWorker>({
    size: workers,
    create: () => startWorker(pageSegmentationMode),
    destroy: ({ worker }) => worker.terminate().then(() => undefined),
    idleMs: IDLE_MS,
  });
  return {
    name: 'tesseract.js',
    recognize: (image, signal) =>
      pool.use(signal, async (pooled, discard) => {
        let onAbort = (): void => {};
        const aborted = new Promise<never>((_, reject) => {
          onAbort = () => {
            // A recognize in progress cannot be interrupted; the worker is terminated instead.
            discard();
            reject(signal.reason);
          };
        });
        // The ones that lose the race must not surface as unhandled rejections.
        aborted.catch(() => {});
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
        try {
          const job = pooled.worker.recognize(toPgm(image));
          const result = await Promise.race([job, pooled.died, aborted]);
          return { text: result.data.text, confidence: result.data.confidence ?? 0 } satisfies OcrResult;
        } catch (error) {
          if (pooled.dead) discard();
          // tesseract.js rejects with bare strings.
          throw error instanceof Error ? error : new Error(String(error));
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      }),
    close: () => pool.close(),
  };
}

async function startWorker(pageSegmentationMode: number): Promise<PooledWorker> {
  const { createWorker } = await import('tesseract.js');
  let timer: NodeJS.Timeout | undefined;
  const started = createWorker(LANGUAGE, LSTM_ONLY, tesseractJsWorkerOptions());
  // If start-up fails after the thread exists, tesseract.js neither resolves nor rejects: time it out.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the OCR engine did not start in time')), START_TIMEOUT_MS);
  });
  started.catch(() => {});
  try {
    const worker = await Promise.race([started, timeout]).catch((error: unknown) => {
      // A worker that starts after all would otherwise live on unused.
      void started.then(
        (late) => late.terminate(),
        () => {},
      );
      throw error;
    });
    // tesseract.js exposes its Node worker thread, untyped.
    const thread = (worker as unknown as { worker: NodeWorker }).worker;
    let dead = false;
    const died = new Promise<never>((_, reject) => {
      const die = (message: string): void => {
        dead = true;
        reject(new Error(message));
      };
      // Without an 'error' listener, an exception in the worker thread is rethrown in this one.
      thread.once('error', (error) => die(`the OCR worker crashed: ${error.message}`));
      thread.once('exit', (code) => die(`the OCR worker exited (code ${code})`));
    });
    died.catch(() => {});
    await worker.setParameters({
      tessedit_pageseg_mode: String(pageSegmentationMode) as PSM,
      // Tesseract's diagnostics ("Estimating resolution as ...") would go to our stderr otherwise.
      debug_file: '/dev/null',
    });
    return {
      worker,
      died,
      get dead() {
        return dead;
      },
    };
  } finally {
    clearTimeout(timer);
  }
}
