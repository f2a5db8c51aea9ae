import { createHmac } from 'node:crypto';
import { randomToken } from '../lib/ids.js';

/**
 * Every delivery carries two signatures over the same timestamp and raw body:
 *
 * - Extend's (spec §6.4): `x-extend-request-signature` = hex HMAC-SHA256 of `v0:{timestamp}:{body}`,
 *   keyed by the whole `wss_...` string. Extend's header holds one signature, so during a rotation it
 *   is made with the newest secret only.
 * - Standard Webhooks: `webhook-signature` = `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`,
 *   one entry per secret still valid, space-separated. The key is the secret after `wss_`, read as
 *   base64: the secret is 32 characters of [A-Za-z0-9], which is valid base64 for 24 bytes. So
 *   `new Webhook("whsec_" + secret.slice(4))` (standardwebhooks or svix) verifies it.
 */
export const SECRET_PREFIX = 'wss_';
const SECRET_BODY_LENGTH = 32;

/** `wss_` + 32 base62 characters (~190 bits). */
export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomToken(SECRET_BODY_LENGTH)}`;
}

/** The Standard Webhooks key bytes of a `wss_` secret. */
export function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export function extendSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
}

export function standardSignature(
  secret: string,
  messageId: string,
  timestamp: number,
  body: string,
): string {
  const mac = createHmac('sha256', standardWebhooksKey(secret))
    .update(`${messageId}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/**
 * The signature headers of one attempt. `secrets` are the endpoint's valid secrets, newest first;
 * `timestamp` is Unix seconds.
 */
export function signatureHeaders(
  secrets: readonly string[],
  eventId: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  const newest = secrets[0];
  if (newest === undefined) throw new Error('a webhook endpoint has no signing secret');
  return {
    'x-extend-request-timestamp': String(timestamp),
    'x-extend-request-signature': extendSignature(newest, timestamp, body),
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => standardSignature(s, eventId, timestamp, body)).join(' '),
  };
}
