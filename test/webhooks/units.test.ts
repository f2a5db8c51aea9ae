import { ExtendClient } from 'extend-ai';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import {
  MAX_RETRY_AFTER_MS,
  nextAttemptDelay,
  parseDuration,
  parseRetryAfter,
  parseRetrySchedule,
  withJitter,
} from '../../src/webhooks/retry-schedule.js';
import { newSigningSecret, signatureHeaders, standardWebhooksKey } from '../../src/webhooks/signing.js';

describe('retry schedule', () => {
  it('parses durations with units, and the default schedule', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('5s')).toBe(5000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    for (const bad of ['', '5', 'five', '-1s', '5 s', '1w']) expect(parseDuration(bad), bad).toBeNull();
    expect(loadConfig({}).webhooks.retryScheduleMs).toEqual([
      0, 5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(
      loadConfig({ DOCSORT_WEBHOOK_RETRY_SCHEDULE: '0, 100ms ,200ms' }).webhooks.retryScheduleMs,
    ).toEqual([0, 100, 200]);
  });

  it('refuses a bad schedule at start-up, naming the variable and the entry', () => {
    expect(() => parseRetrySchedule('0,,5s')).toThrow(/comma-separated/);
    expect(() => loadConfig({ DOCSORT_WEBHOOK_RETRY_SCHEDULE: '0,5x' })).toThrow(ConfigError);
    expect(() => loadConfig({ DOCSORT_WEBHOOK_RETRY_SCHEDULE: '0,5x' })).toThrow(
      /^Invalid configuration: DOCSORT_WEBHOOK_RETRY_SCHEDULE: "5x" is not a duration/,
    );
  });

  it('jitters by at most 10 % either way', () => {
    expect(withJitter(1000, () => 0)).toBe(900);
    expect(withJitter(1000, () => 0.5)).toBe(1000);
    expect(withJitter(1000, () => 0.999999)).toBe(1100);
    expect(withJitter(0, () => 1)).toBe(0);
  });

  it('plans the next attempt from the schedule, honouring a longer Retry-After, and stops at the end', () => {
    const schedule = [0, 5000, 300_000];
    const mid = () => 0.5;
    expect(nextAttemptDelay(schedule, 1, null, mid)).toBe(5000);
    expect(nextAttemptDelay(schedule, 2, null, mid)).toBe(300_000);
    expect(nextAttemptDelay(schedule, 3, null, mid)).toBeNull();
    expect(nextAttemptDelay(schedule, 1, 60_000, mid)).toBe(60_000);
    expect(nextAttemptDelay(schedule, 2, 1000, mid)).toBe(300_000);
  });

  it('reads Retry-After as seconds or an HTTP date, capped at a day', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Sat, 28 Feb 2026 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('999999999', now)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('signing', () => {
  it('secrets are wss_ + 32 base62 characters, which is base64 for 24 key bytes', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^wss_[A-Za-z0-9]{32}$/);
    expect(standardWebhooksKey(secret)).toHaveLength(24);
    expect(newSigningSecret()).not.toBe(secret);
  });

  it("headers verify with Extend's SDK (newest secret) and standardwebhooks (every secret)", () => {
    const [newest, older] = [newSigningSecret(), newSigningSecret()];
    const body = '{"eventId":"evt_1","eventType":"classifier.created","payload":{"id":"cl_1"}}';
    const ts = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders([newest, older], 'evt_1', ts, body);
    const sdk = new ExtendClient({ token: 'unused' });
    expect(sdk.webhooks.verify(body, headers, newest)).toBe(true);
    expect(sdk.webhooks.verify(body, headers, older)).toBe(false);
    expect(sdk.webhooks.verify(`${body} `, headers, newest)).toBe(false);
    for (const secret of [newest, older]) {
      const wh = new StandardWebhook(`whsec_${secret.slice(4)}`);
      expect(wh.verify(body, headers)).toEqual(JSON.parse(body));
      expect(headers['webhook-signature']?.split(' ')).toContain(wh.sign('evt_1', new Date(ts * 1000), body));
    }
    expect(() => signatureHeaders([], 'evt_1', ts, body)).toThrow(/no signing secret/);
  });
});
