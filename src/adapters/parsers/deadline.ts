/**
 * A time budget for one parse: the caller gets the timeout error as soon as the timer fires, and the work
 * gets an aborted signal so it can stop and release what it holds (pdf.js documents, for instance).
 */

export async function withDeadline<T>(
  timeoutMs: number,
  onTimeout: () => Error,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(onTimeout());
    }, timeoutMs);
  });
  try {
    // Promise.race subscribes to both, so the loser's later rejection is never reported as unhandled.
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
