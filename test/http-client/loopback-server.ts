import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP(S) server on a loopback address that records what reached it. */
export interface LoopbackServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port/path`, with IPv6 hosts bracketed. */
  url(path?: string): string;
  /** TCP connections accepted so far: 0 proves a request was refused before connecting. */
  readonly connections: number;
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

export async function startServer(
  handler: Handler,
  options: { host?: string; tls?: ServerOptions } = {},
): Promise<LoopbackServer> {
  const host = options.host ?? '127.0.0.1';
  const requests: LoopbackServer['requests'] = [];
  const onRequest: Handler = (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  };
  const server: Server = options.tls ? createTlsServer(options.tls, onRequest) : createServer(onRequest);
  let connections = 0;
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? 'https' : 'http';
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    host,
    port,
    url: (path = '/') => `${scheme}://${authority}${path}`,
    get connections() {
      return connections;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Close and forget every server in the list (for afterEach). */
export async function closeAll(servers: LoopbackServer[]): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.close()));
}
