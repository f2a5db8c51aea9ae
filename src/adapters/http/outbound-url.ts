import { isIP } from 'node:net';
import { assertAddressAllowed, type CompiledAddressPolicy } from './address-guard.js';

/** A URL Docsort refuses to fetch for a reason other than its address (scheme, credentials, syntax). */
export class InvalidOutboundUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOutboundUrlError';
  }
}

/** The host as a bare IP literal (brackets removed), or null for a DNS name. */
export function ipLiteralHost(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) === 0 ? null : host;
}

/**
 * Parse and vet a URL before anything is sent. WHATWG URL already rewrites `127.1`, `2130706433` and
 * `0x7f.1` to `127.0.0.1` for http(s), so an IP literal here is canonical and checked now: undici never
 * runs a lookup for literals, and the guarded agent's own check is the second line, not the only one.
 * `base` resolves relative redirect targets.
 */
export function parseOutboundUrl(raw: string | URL, policy: CompiledAddressPolicy, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new InvalidOutboundUrlError(`${JSON.stringify(String(raw).slice(0, 200))} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidOutboundUrlError(
      `Only http and https URLs can be fetched, not ${url.protocol.slice(0, -1)}: (${redactUrl(url)})`,
    );
  }
  // Credentials in a URL end up in logs and run records; ask for a pre-signed URL instead.
  if (url.username !== '' || url.password !== '') {
    throw new InvalidOutboundUrlError(
      `URLs with embedded credentials (user:password@host) are not accepted (${redactUrl(url)}); use a pre-signed URL instead`,
    );
  }
  const literal = ipLiteralHost(url);
  if (literal !== null) assertAddressAllowed(literal, policy);
  return url;
}

/** The URL without credentials, query or fragment, which often hold secrets (pre-signed URLs): safe for messages. */
export function redactUrl(url: URL): string {
  const authority = url.host !== '' || url.pathname.startsWith('/') ? `//${url.host}` : '';
  return `${url.protocol}${authority}${url.pathname}`;
}
