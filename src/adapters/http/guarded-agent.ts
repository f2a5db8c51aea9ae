import { lookup } from 'node:dns/promises';
import { isIP, type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import {
  type AddressPolicy,
  assertAddressAllowed,
  type CompiledAddressPolicy,
  checkAddress,
  compileAddressPolicy,
  ForbiddenAddressError,
} from './address-guard.js';

/** Resolves a DNS name to every address it has; injectable so tests can play a hostile DNS server. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export interface GuardedAgentOptions {
  policy: AddressPolicy;
  resolve?: HostResolver;
  /** Per-address TCP (+ TLS) connect timeout; default 10 s, as undici's. */
  connectTimeoutMs?: number;
  /** Extra TLS settings, e.g. `ca` for an internal certificate authority. */
  tls?: Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;
}

/** The name could not be resolved (NXDOMAIN, no DNS server, ...). */
export class HostLookupError extends Error {
  constructor(
    readonly hostname: string,
    options?: { cause?: unknown },
  ) {
    const code = (options?.cause as NodeJS.ErrnoException | undefined)?.code;
    super(`Could not resolve host ${hostname}${code ? ` (${code})` : ''}`, options);
    this.name = 'HostLookupError';
  }
}

export const resolveWithSystemDns: HostResolver = async (hostname) => {
  try {
    const answers = await lookup(hostname, { all: true });
    return answers.map((a) => a.address);
  } catch (cause) {
    throw new HostLookupError(hostname, { cause });
  }
};

/**
 * An undici Agent that only connects where `policy` allows. It resolves names itself, refuses when ANY
 * answer is forbidden, then dials the vetted address (so a DNS answer that changes between check and
 * connect cannot slip through) and finally checks the socket's real peer. IP literals, which undici never
 * sends through `lookup`, go through the same check.
 */
export function createGuardedAgent(options: GuardedAgentOptions): Agent {
  const policy = compileAddressPolicy(options.policy);
  const resolve = options.resolve ?? resolveWithSystemDns;
  const dial = buildConnector({ timeout: options.connectTimeoutMs ?? 10_000, ...options.tls });
  const connect: buildConnector.connector = (connectOptions, callback) => {
    connectGuarded(connectOptions, policy, resolve, dial).then(
      (socket) => callback(null, socket),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
  return new Agent({ connect });
}

async function connectGuarded(
  options: buildConnector.Options,
  policy: CompiledAddressPolicy,
  resolve: HostResolver,
  dial: buildConnector.connector,
): Promise<Socket> {
  // undici hands over IPv6 literals without their brackets.
  const hostname = options.hostname;
  const literal = isIP(hostname) !== 0;
  const addresses = literal ? [hostname] : await resolve(hostname);
  if (addresses.length === 0) throw new HostLookupError(hostname);
  for (const address of addresses) assertAddressAllowed(address, policy, literal ? undefined : hostname);

  // We dial an IP, so SNI and certificate verification must be told the name the URL asked for.
  const servername = options.servername || (literal ? undefined : hostname.replace(/\.$/, ''));
  let lastError: unknown;
  for (const address of addresses) {
    let socket: Socket;
    try {
      socket = await dialOnce(dial, { ...options, hostname: address, servername });
    } catch (error) {
      lastError = error;
      continue;
    }
    const peer = socket.remoteAddress;
    const verdict =
      peer === undefined ? { allowed: false as const, category: 'invalid' } : checkAddress(peer, policy);
    if (!verdict.allowed) {
      socket.destroy();
      throw new ForbiddenAddressError(peer ?? 'an unknown address', verdict.category, hostname);
    }
    return socket;
  }
  throw lastError;
}

function dialOnce(dial: buildConnector.connector, options: buildConnector.Options): Promise<Socket> {
  return new Promise((resolvePromise, reject) => {
    dial(options, (...args) => {
      const [error, socket] = args;
      if (error) reject(error);
      else resolvePromise(socket);
    });
  });
}
