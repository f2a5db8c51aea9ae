import { performance } from 'node:perf_hooks';
import { type Dispatcher, request } from 'undici';
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../../ports/webhook-sender.js';
import {
  type AddressPolicy,
  checkAddress,
  compileAddressPolicy,
  ForbiddenAddressError,
} from './address-guard.js';
import {
  createGuardedAgent,
  HostLookupError,
  type HostResolver,
  resolveWithSystemDns,
} from './guarded-agent.js';
import { InvalidOutboundUrlError, ipLiteralHost, parseOutboundUrl } from './outbound-url.js';

export interface WebhookSenderOptions {
  policy: AddressPolicy;
  /** Injectable so tests can play a DNS server whose answer changes. */
  resolve?: HostResolver;
  userAgent?: string;
}

/** Bytes of a response kept for the delivery log. */
const KEPT_BYTES = 2048;
/** Bytes read before the rest of a response is dropped (reading small bodies keeps the connection reusable). */
const READ_BYTES = 64 * 1024;
/** How long registration waits for DNS before accepting a name it could not check (delivery checks again). */
const LOOKUP_TIMEOUT_MS = 3000;

// Cloud metadata names; their addresses are refused anyway, but the name alone says enough.
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data']);

/**
 * Webhook POSTs through the guarded agent: every connection is checked against the network policy
 * (IP literals before connecting, names after resolving, and the socket's real peer), redirects are
 * never followed (undici's `request` does not follow them), and one signal bounds the whole attempt.
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const policy = compileAddressPolicy(options.policy);
  const resolve = options.resolve ?? resolveWithSystemDns;
  const agent = createGuardedAgent({ policy: options.policy, resolve });

  async function checkUrl(raw: string): Promise<string | null> {
    let url: URL;
    try {
      url = parseOutboundUrl(raw, policy);
    } catch (err) {
      if (err instanceof InvalidOutboundUrlError || err instanceof ForbiddenAddressError) return err.message;
      throw err;
    }
    if (ipLiteralHost(url) !== null) return null;
    const host = url.hostname.toLowerCase().replace(/\.$/, '');
    if (METADATA_HOSTS.has(host)) {
      return `Refusing to connect to ${host} (cloud metadata service)`;
    }
    // RFC 6761: localhost is loopback whatever a resolver says.
    if (host === 'localhost' || host.endsWith('.localhost')) return vet(['127.0.0.1', '::1'], host);
    let addresses: string[];
    try {
      addresses = await withTimeout(resolve(host), LOOKUP_TIMEOUT_MS);
    } catch (err) {
      // Not resolvable from here (yet): accepted; every delivery resolves and checks again.
      if (err instanceof HostLookupError || err instanceof LookupTimeout) return null;
      throw err;
    }
    return vet(addresses, host);
  }

  function vet(addresses: string[], host: string): string | null {
    for (const address of addresses) {
      const verdict = checkAddress(address, policy);
      if (!verdict.allowed) return new ForbiddenAddressError(address, verdict.category, host).message;
    }
    return null;
  }

  async function send(req: WebhookRequest): Promise<WebhookResponse> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
    try {
      const url = parseOutboundUrl(req.url, policy);
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'user-agent': options.userAgent ?? 'Docsort-Webhooks', ...req.headers },
        body: req.body,
        signal,
      });
      const bodyStart = await readStart(res.body);
      return {
        kind: 'response',
        status: res.statusCode,
        headers: res.headers,
        bodyStart,
        latencyMs: elapsed(),
      };
    } catch (err) {
      const latencyMs = elapsed();
      const forbidden = findInCauses(err, ForbiddenAddressError);
      if (forbidden)
        return { kind: 'error', reason: 'forbidden_address', message: forbidden.message, latencyMs };
      if (err instanceof InvalidOutboundUrlError) {
        return { kind: 'error', reason: 'invalid_url', message: err.message, latencyMs };
      }
      if (req.signal?.aborted) {
        return { kind: 'error', reason: 'aborted', message: 'Interrupted by a shutdown', latencyMs };
      }
      if (timeout.aborted) {
        return {
          kind: 'error',
          reason: 'timeout',
          message: `Timed out after ${req.timeoutMs} ms`,
          latencyMs,
        };
      }
      return { kind: 'error', reason: 'network', message: describeNetworkError(err), latencyMs };
    }
  }

  return { checkUrl, send, close: () => agent.destroy() };
}

async function readStart(body: Dispatcher.ResponseData['body']): Promise<string> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let read = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (keptBytes < KEPT_BYTES) {
        const slice = chunk.subarray(0, KEPT_BYTES - keptBytes);
        kept.push(slice);
        keptBytes += slice.byteLength;
      }
      read += chunk.byteLength;
      if (read >= READ_BYTES) break;
    }
  } catch {
    // The status is what counts; a body cut short is logged as far as it came.
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(kept));
}

function describeNetworkError(err: unknown): string {
  if (err instanceof HostLookupError) return err.message;
  const lookup = findInCauses(err, HostLookupError);
  if (lookup) return lookup.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}${code && !err.message.includes(code) ? ` (${code})` : ''}`.slice(0, 500);
  }
  return String(err).slice(0, 500);
}

function findInCauses<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof type) return current;
    current = current.cause;
  }
  return null;
}

class LookupTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LookupTimeout(`lookup took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
