import { STATUS_CODES } from 'node:http';
import { type Dispatcher, request } from 'undici';
import type { Downloader, DownloadedFile as PortDownloadedFile } from '../../ports/downloader.js';
import {
  type AddressPolicy,
  type CompiledAddressPolicy,
  compileAddressPolicy,
  ForbiddenAddressError,
} from './address-guard.js';
import { downloadFileName } from './file-name.js';
import { createGuardedAgent } from './guarded-agent.js';
import { InvalidOutboundUrlError, parseOutboundUrl, redactUrl } from './outbound-url.js';

export type DownloadErrorKind =
  | 'forbidden_address'
  | 'timeout'
  | 'too_large'
  | 'http_status'
  | 'network'
  | 'invalid_url';

/** Every download failure; `message` is written for the person who submitted the URL. */
export class DownloadError extends Error {
  constructor(
    readonly kind: DownloadErrorKind,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'DownloadError';
    this.status = options?.status;
  }
  /** The HTTP status for `http_status` failures. */
  readonly status: number | undefined;
}

export interface DownloadOptions {
  policy: AddressPolicy;
  /** For the whole download: every hop, connect, headers and body. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
  userAgent?: string;
}

export interface DownloadedFile extends PortDownloadedFile {
  /** Where the bytes came from after redirects. */
  finalUrl: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The `Downloader` port over `downloadFile`; validates the policy now so a bad CIDR fails at start-up. */
export function createHttpDownloader(options: DownloadOptions): Downloader {
  compileAddressPolicy(options.policy);
  return { download: (url) => downloadFile(url, options) };
}

/**
 * GET a user-supplied URL through the guarded agent. Redirects are followed here rather than by undici
 * so that every hop's URL is vetted again before anything is sent to it.
 */
export async function downloadFile(url: string, options: DownloadOptions): Promise<DownloadedFile> {
  // A bad CIDR is the operator's mistake, not the URL's: it throws as is. Compile the policy at start-up to see it early.
  const policy = compileAddressPolicy(options.policy);
  const agent = createGuardedAgent({ policy: options.policy });
  const signal = AbortSignal.timeout(options.timeoutMs);
  const progress: { url: URL | null } = { url: null };
  try {
    return await fetchFollowingRedirects(url, options, policy, agent, signal, progress);
  } catch (error) {
    throw toDownloadError(error, signal, progress.url, options);
  } finally {
    await agent.destroy();
  }
}

async function fetchFollowingRedirects(
  rawUrl: string,
  options: DownloadOptions,
  policy: CompiledAddressPolicy,
  dispatcher: Dispatcher,
  signal: AbortSignal,
  progress: { url: URL | null },
): Promise<DownloadedFile> {
  const maxRedirects = options.maxRedirects ?? 3;
  let url = parseOutboundUrl(rawUrl, policy);
  for (let hop = 0; ; hop++) {
    progress.url = url;
    const response = await request(url, {
      method: 'GET',
      dispatcher,
      signal,
      headers: { 'user-agent': options.userAgent ?? 'Docsort', accept: '*/*' },
    });
    const { statusCode, headers, body } = response;

    if (REDIRECT_STATUSES.has(statusCode)) {
      await body.dump();
      const location = firstHeader(headers.location);
      if (!location) {
        throw new DownloadError(
          'http_status',
          `${redactUrl(url)} redirected (${statusCode}) without a Location header`,
          {
            status: statusCode,
          },
        );
      }
      if (hop >= maxRedirects) {
        throw new DownloadError(
          'http_status',
          `Too many redirects (more than ${maxRedirects}) at ${redactUrl(url)}`,
          {
            status: statusCode,
          },
        );
      }
      url = parseOutboundUrl(location, policy, url);
      continue;
    }

    if (statusCode < 200 || statusCode > 299) {
      await body.dump();
      const reason = STATUS_CODES[statusCode] ? ` ${STATUS_CODES[statusCode]}` : '';
      throw new DownloadError(
        'http_status',
        `The server answered ${statusCode}${reason} for ${redactUrl(url)}`,
        {
          status: statusCode,
        },
      );
    }

    const declaredLength = Number(firstHeader(headers['content-length']) ?? Number.NaN);
    if (declaredLength > options.maxBytes) {
      body.destroy();
      throw tooLarge(url, options.maxBytes, declaredLength);
    }
    const bytes = await readAtMost(body, options.maxBytes, url);
    return {
      bytes,
      fileName: downloadFileName(firstHeader(headers['content-disposition']), url),
      contentType: firstHeader(headers['content-type']),
      finalUrl: url.href,
    };
  }
}

async function readAtMost(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
  url: URL,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    // Chunked responses and lying Content-Lengths are cut off here, before they fill memory.
    if (total > maxBytes) {
      body.destroy();
      throw tooLarge(url, maxBytes);
    }
    chunks.push(chunk);
  }
  // A fresh buffer: Buffer.concat may return a slice of Node's shared pool.
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(url: URL, maxBytes: number, declared?: number): DownloadError {
  const size = declared === undefined ? 'larger than' : `${formatBytes(declared)}, over`;
  return new DownloadError(
    'too_large',
    `The file at ${redactUrl(url)} is ${size} the ${formatBytes(maxBytes)} limit`,
  );
}

function toDownloadError(
  error: unknown,
  signal: AbortSignal,
  url: URL | null,
  options: DownloadOptions,
): DownloadError {
  if (error instanceof DownloadError) return error;
  const forbidden = findInCauses(error, ForbiddenAddressError);
  if (forbidden) return new DownloadError('forbidden_address', forbidden.message, { cause: error });
  if (error instanceof InvalidOutboundUrlError)
    return new DownloadError('invalid_url', error.message, { cause: error });
  const where = url ? redactUrl(url) : 'the URL';
  if (signal.aborted) {
    return new DownloadError('timeout', `Downloading ${where} timed out after ${options.timeoutMs} ms`, {
      cause: error,
    });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new DownloadError('network', `Could not download ${where}: ${detail}`, { cause: error });
}

function findInCauses<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof type) return current;
    current = current.cause;
  }
  return null;
}

function firstHeader(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
