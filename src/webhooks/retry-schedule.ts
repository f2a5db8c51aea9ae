/**
 * The retry schedule is configuration (Svix's habit): a list of delays, one per attempt. The first
 * entry is the wait before the first attempt (0: at once); after the n-th failed attempt the next one
 * waits entry n, and when the list runs out the delivery is exhausted.
 */
export const DEFAULT_RETRY_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,10h';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `5s`, `5m`, `2h`, `1d` or a bare `0`; null when the text is none of these. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (t === '0') return 0;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(t);
  if (!match) return null;
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] ?? Number.NaN);
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

/** Parse `0,5s,5m`; throws with the offending entry. */
export function parseRetrySchedule(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new Error('must be a comma-separated list of durations such as 0,5s,5m,30m,2h');
  }
  return parts.map((part) => {
    const ms = parseDuration(part);
    if (ms === null) throw new Error(`"${part}" is not a duration; use ms, s, m, h or d (e.g. 5s, 30m)`);
    return ms;
  });
}

/** ±10 % jitter, so that endpoints that failed together do not all retry at the same instant. */
export function withJitter(delayMs: number, random: () => number = Math.random): number {
  return Math.max(0, Math.round(delayMs * (0.9 + random() * 0.2)));
}

/** A Retry-After wait longer than this is cut down: a receiver cannot park a delivery for days. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** A `Retry-After` header (delta-seconds or an HTTP date) as milliseconds from `now`; null when absent or invalid. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.min(Math.max(0, date - now.getTime()), MAX_RETRY_AFTER_MS);
}

/**
 * When to try again after a failed attempt, or null when the schedule is used up. `attemptsMade` is
 * the number of attempts in the current run of the schedule, this one included.
 */
export function nextAttemptDelay(
  schedule: readonly number[],
  attemptsMade: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number | null {
  const planned = schedule[attemptsMade];
  if (planned === undefined) return null;
  return Math.max(withJitter(planned, random), retryAfterMs ?? 0);
}
