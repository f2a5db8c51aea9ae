import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it reached the receiver: the raw body bytes (as text) and headers. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Parsed envelope. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary payload shapes
  json: any;
  /** Date.now() when the body was complete. */
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer only after this long (a slow or hanging receiver). */
  delayMs?: number;
}

export type Behaviour = (request: Received, index: number) => Reply;

/** A real webhook receiver on loopback that records every request and answers as told. */
export interface Receiver {
  url(path?: string): string;
  port: number;
  received: Received[];
  /** Requests answered with 2xx whose response reached the socket. */
  acknowledged: Received[];
  behaviour: Behaviour;
  /** The most requests to one path that were open at the same time. */
  maxInFlight(path: string): number;
  /** Requests to `path` open right now. */
  inFlight(path: string): number;
  /** Requests whose eventId is `eventId`. */
  of(eventId: string): Received[];
  close(): Promise<void>;
}

export const ok: Behaviour = () => ({ status: 200, body: 'ok' });

/** `port` reuses a known port (a receiver that comes back where it was). */
export async function startReceiver(behaviour: Behaviour = ok, port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const acknowledged: Received[] = [];
  const state = { behaviour };
  const open = new Map<string, number>();
  const peak = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON; kept as text
      }
      const r: Received = { path: req.url ?? '', headers: req.headers, body, json, at: Date.now() };
      const index = received.length;
      received.push(r);
      open.set(r.path, (open.get(r.path) ?? 0) + 1);
      peak.set(r.path, Math.max(peak.get(r.path) ?? 0, open.get(r.path) ?? 0));
      res.on('close', () => open.set(r.path, (open.get(r.path) ?? 1) - 1));
      const reply = state.behaviour(r, index);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '', () => {
          if (reply.status >= 200 && reply.status < 300) acknowledged.push(r);
        });
      };
      if (reply.delayMs) {
        const timer = setTimeout(send, reply.delayMs);
        res.on('close', () => clearTimeout(timer));
      } else send();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${bound}${path}`,
    port: bound,
    received,
    acknowledged,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(b: Behaviour) {
      state.behaviour = b;
    },
    maxInFlight: (path) => peak.get(path) ?? 0,
    inFlight: (path) => open.get(path) ?? 0,
    of: (eventId) => received.filter((r) => r.json?.eventId === eventId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
