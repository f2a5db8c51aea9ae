import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { type Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AddressPolicy, ForbiddenAddressError } from '../../src/adapters/http/address-guard.js';
import { createGuardedAgent, type HostResolver } from '../../src/adapters/http/guarded-agent.js';
import { closeAll, type LoopbackServer, startServer } from './loopback-server.js';

const strict: AddressPolicy = { allowPrivate: false, allowCidrs: [] };
const servers: LoopbackServer[] = [];
const agents: Agent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.destroy()));
  await closeAll(servers);
});

async function server(host = '127.0.0.1'): Promise<LoopbackServer> {
  const s = await startServer((_req, res) => res.end('ok'), { host });
  servers.push(s);
  return s;
}

function agent(options: Parameters<typeof createGuardedAgent>[0]): Agent {
  const a = createGuardedAgent(options);
  agents.push(a);
  return a;
}

async function get(url: string, dispatcher: Agent): Promise<string> {
  const res = await request(url, { dispatcher });
  return res.body.text();
}

/** A resolver that records the names it was asked for and answers from a table. */
function fakeDns(table: Record<string, string[]>): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    return table[hostname] ?? [];
  };
  return Object.assign(resolve, { asked });
}

describe('guarded agent: IP literals (which undici never passes to lookup)', () => {
  it.each([
    ['127.0.0.1', (port: number) => `http://127.0.0.1:${port}/`],
    ['127.0.0.1', (port: number) => `http://127.1:${port}/`],
    ['127.0.0.1', (port: number) => `http://2130706433:${port}/`],
    ['::ffff:7f00:1', (port: number) => `http://[::ffff:127.0.0.1]:${port}/`],
  ])('refuses %s before connecting, with no DNS lookup', async (address, urlFor) => {
    const target = await server();
    const dns = fakeDns({});
    const error = await get(urlFor(target.port), agent({ policy: strict, resolve: dns })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ForbiddenAddressError);
    expect((error as Error).message).toBe(
      `Refusing to connect to ${address} (loopback address); set DOCSORT_ALLOW_PRIVATE_NETWORK=true to allow`,
    );
    expect(dns.asked).toEqual([]);
    expect(target.connections).toBe(0);
  });

  it('refuses [::1] before connecting', async () => {
    const target = await server('::1');
    const error = await get(target.url(), agent({ policy: strict })).catch((e: unknown) => e);
    expect(error).toMatchObject({ address: '::1', category: 'loopback' });
    expect(target.connections).toBe(0);
  });

  it('connects to literals the policy allows', async () => {
    const target = await server();
    const allowed = agent({ policy: { allowPrivate: false, allowCidrs: ['127.0.0.0/8'] } });
    expect(await get(target.url(), allowed)).toBe('ok');
    expect(target.connections).toBe(1);
  });
});

describe('guarded agent: names', () => {
  it('refuses when ANY resolved address is forbidden, without connecting', async () => {
    const target = await server();
    // The public address comes first: a filter that only looked at the first answer would let this through.
    const dns = fakeDns({ 'mixed.test': ['93.184.216.34', '127.0.0.1'] });
    const error = await get(
      `http://mixed.test:${target.port}/`,
      agent({ policy: strict, resolve: dns }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenAddressError);
    expect((error as Error).message).toBe(
      'Refusing to connect to 127.0.0.1 (resolved from mixed.test) (loopback address); ' +
        'set DOCSORT_ALLOW_PRIVATE_NETWORK=true to allow',
    );
    expect(target.connections).toBe(0);
  });

  it('refuses localhost through the system resolver', async () => {
    const target = await server();
    const error = await get(`http://localhost:${target.port}/`, agent({ policy: strict })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ address: '127.0.0.1', category: 'loopback', hostname: 'localhost' });
    expect(target.connections).toBe(0);
  });

  it('dials the address it checked, never the name (no second lookup to rebind)', async () => {
    const target = await server();
    // The system resolver cannot resolve `.test`: success proves the socket went to the vetted IP.
    const dns = fakeDns({ 'files.test': ['127.0.0.1'] });
    const allowed = agent({ policy: { allowPrivate: true, allowCidrs: [] }, resolve: dns });
    expect(await get(`http://files.test:${target.port}/doc.pdf`, allowed)).toBe('ok');
    expect(dns.asked).toEqual(['files.test']);
    expect(target.requests[0]?.headers.host).toBe(`files.test:${target.port}`);
  });

  it('tries the next vetted address when one refuses the connection', async () => {
    const target = await server();
    // target holds 127.0.0.1:<port> only, so nothing can listen on 127.0.0.2:<port>: that dial gets ECONNREFUSED.
    const dns = fakeDns({ 'two.test': ['127.0.0.2', '127.0.0.1'] });
    const allowed = agent({ policy: { allowPrivate: true, allowCidrs: [] }, resolve: dns });
    expect(await get(`http://two.test:${target.port}/`, allowed)).toBe('ok');
  });

  it('reports a name that does not resolve', async () => {
    const error = await get('http://nothing.test/', agent({ policy: strict, resolve: fakeDns({}) })).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe('Could not resolve host nothing.test');
  });
});

describe('guarded agent: TLS', () => {
  let dir = '';
  let tls = { key: '', cert: '' };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'docsort-tls-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=files.test',
        '-addext',
        'subjectAltName=DNS:files.test',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    tls = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sends SNI and verifies the certificate for the URL host while dialling its IP', async () => {
    const serverNames: (string | false | null)[] = [];
    const target = await startServer(
      (req, res) => {
        serverNames.push((req.socket as TLSSocket).servername);
        res.end('secure');
      },
      { tls },
    );
    servers.push(target);
    const dns = fakeDns({ 'files.test': ['127.0.0.1'] });
    const allowed = agent({
      policy: { allowPrivate: true, allowCidrs: [] },
      resolve: dns,
      tls: { ca: tls.cert },
    });
    expect(await get(`https://files.test:${target.port}/`, allowed)).toBe('secure');
    expect(serverNames).toEqual(['files.test']);
  });

  it('still rejects a certificate for another name', async () => {
    const target = await startServer((_req, res) => res.end('secure'), { tls });
    servers.push(target);
    const dns = fakeDns({ 'other.test': ['127.0.0.1'] });
    const allowed = agent({
      policy: { allowPrivate: true, allowCidrs: [] },
      resolve: dns,
      tls: { ca: tls.cert },
    });
    const error = await get(`https://other.test:${target.port}/`, allowed).catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
