import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Prefixes of every id Docsort issues (spec §8 and Decisions 7). */
export const ID_PREFIX = {
  workspace: 'ws',
  apiKey: 'key',
  classifier: 'cl',
  classifierVersion: 'clv',
  classifyRun: 'clr',
  file: 'file',
  parseRun: 'pr',
  batchRun: 'bpr',
  parseBatchRun: 'bpar',
  event: 'evt',
  webhookEndpoint: 'wh',
  webhookSubscription: 'whes',
  webhookSecret: 'whsk',
  webhookDelivery: 'whd',
  webhookAttempt: 'wha',
  evaluationSet: 'ev',
  evaluationSetItem: 'evi',
  job: 'job',
  request: 'req',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

/** Random base62 string; rejection sampling keeps every character equally likely. */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: bytes above it would bias the first characters.
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIX[kind]}_${randomToken(21)}`;
}

export function newApiKeySecret(): string {
  return `sk_${randomToken(40)}`;
}
