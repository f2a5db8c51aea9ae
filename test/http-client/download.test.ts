import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AddressPolicy } from '../../src/adapters/http/address-guard.js';
import {
  createHttpDownloader,
  DownloadError,
  type DownloadOptions,
  downloadFile,
} from '../../src/adapters/http/download.js';
import { closeAll, type Handler, type LoopbackServer, startServer } from './loopback-server.js';

const strict: AddressPolicy = { allowPrivate: false, allowCidrs: [] };
const privateAllowed: AddressPolicy = { allowPrivate: true, allowCidrs: [] };
const base = { timeoutMs: 5_000, maxBytes: 1024 * 1024 };
const servers: LoopbackServer[] = [];

afterEach(() => closeAll(servers));

async function serve(handler: Handler, host = '127.0.0.1'): Promise<LoopbackServer> {
  const server = await startServer(handler, { host });
  servers.push(server);
  return server;
}

const pdf = Buffer.from('%PDF-1.7 pretend\n');
const sendPdf: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': pdf.length });
  res.end(pdf);
};

async function downloadError(url: string, options: Partial<DownloadOptions> = {}): Promise<DownloadError> {
  const error = await downloadFile(url, { policy: strict, ...base, ...options }).catch((e: unknown) => e);
  if (!(error instanceof DownloadError)) throw new Error(`expected a DownloadError, got ${String(error)}`);
  return error;
}

describe('downloadFile: success', () => {
  it('downloads from loopback when the policy allows private networks', async () => {
    const server = await serve(sendPdf);
    const file = await downloadFile(server.url('/docs/invoice-7.pdf'), { policy: privateAllowed, ...base });
    expect(Buffer.from(file.bytes).equals(pdf)).toBe(true);
    expect(file).toMatchObject({
      fileName: 'invoice-7.pdf',
      contentType: 'application/pdf',
      finalUrl: server.url('/docs/invoice-7.pdf'),
    });
    expect(server.requests[0]).toMatchObject({ method: 'GET', headers: { 'user-agent': 'Docsort' } });
  });

  it('downloads from localhost and [::1] with private networks allowed', async () => {
    const v4 = await serve(sendPdf);
    const v6 = await serve(sendPdf, '::1');
    const viaName = await downloadFile(`http://localhost:${v4.port}/a.pdf`, {
      policy: privateAllowed,
      ...base,
    });
    const viaV6 = await downloadFile(v6.url('/b.pdf'), {
      policy: privateAllowed,
      ...base,
      userAgent: 'Test/1',
    });
    expect(viaName.bytes.byteLength).toBe(pdf.length);
    expect(viaV6.fileName).toBe('b.pdf');
    expect(v6.requests[0]?.headers['user-agent']).toBe('Test/1');
  });

  it('allowCidrs 127.0.0.0/8 allows loopback without allowing all private ranges', async () => {
    const server = await serve(sendPdf);
    const policy = { allowPrivate: false, allowCidrs: ['127.0.0.0/8'] };
    const file = await downloadFile(server.url('/x.pdf'), { policy, ...base });
    expect(file.bytes.byteLength).toBe(pdf.length);
    expect((await downloadError('http://10.0.0.1/x.pdf', { policy })).kind).toBe('forbidden_address');
  });

  it('names the file from Content-Disposition, filename* first', async () => {
    const server = await serve((_req, res) => {
      res.setHeader(
        'content-disposition',
        `attachment; filename="fallback.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`,
      );
      res.end('x');
    });
    const file = await downloadFile(server.url('/dl?id=4'), { policy: privateAllowed, ...base });
    expect(file.fileName).toBe('résumé.pdf');
    expect(file.contentType).toBeNull();
  });

  it('falls back to the decoded last path segment, then "download"', async () => {
    const server = await serve((_req, res) => res.end('x'));
    const named = await downloadFile(server.url('/files/Invoice%20March.pdf?sig=abc'), {
      policy: privateAllowed,
      ...base,
    });
    const unnamed = await downloadFile(server.url('/'), { policy: privateAllowed, ...base });
    expect(named.fileName).toBe('Invoice March.pdf');
    expect(unnamed.fileName).toBe('download');
  });
});

describe('downloadFile: refused addresses', () => {
  it.each([
    ['http://127.0.0.1:{port}/', '127.0.0.1 (loopback address)'],
    ['http://127.1:{port}/', '127.0.0.1 (loopback address)'],
    ['http://2130706433:{port}/', '127.0.0.1 (loopback address)'],
    ['http://[::ffff:127.0.0.1]:{port}/', '::ffff:7f00:1 (loopback address)'],
    ['http://0.0.0.0:{port}/', '0.0.0.0 (unspecified address)'],
    ['http://localhost:{port}/', '127.0.0.1 (resolved from localhost) (loopback address)'],
  ])('refuses %s before any connection', async (template, what) => {
    const server = await serve(sendPdf);
    const error = await downloadError(template.replace('{port}', String(server.port)));
    expect(error.kind).toBe('forbidden_address');
    expect(error.message).toContain(`Refusing to connect to ${what}`);
    expect(server.connections).toBe(0);
  });

  it('refuses http://[::1] before any connection', async () => {
    const server = await serve(sendPdf, '::1');
    const error = await downloadError(server.url('/'));
    expect(error).toMatchObject({ kind: 'forbidden_address' });
    expect(error.message).toBe(
      'Refusing to connect to ::1 (loopback address); set DOCSORT_ALLOW_PRIVATE_NETWORK=true to allow',
    );
    expect(server.connections).toBe(0);
  });

  // Literal checks happen before any socket exists, so these never send traffic off the machine.
  it.each([
    [
      'http://169.254.169.254/latest/meta-data/',
      'Refusing to connect to 169.254.169.254 (cloud metadata address)',
    ],
    ['http://10.0.0.1/', 'Refusing to connect to 10.0.0.1 (private network address)'],
    ['http://[fd00:ec2::254]/', 'Refusing to connect to fd00:ec2::254 (cloud metadata address)'],
  ])('refuses %s', async (url, message) => {
    const error = await downloadError(url);
    expect(error.kind).toBe('forbidden_address');
    expect(error.message).toContain(message);
  });

  it('refuses cloud metadata even when private networks are allowed', async () => {
    const error = await downloadError('http://169.254.169.254/latest/meta-data/', { policy: privateAllowed });
    expect(error.message).toBe(
      'Refusing to connect to 169.254.169.254 (cloud metadata address); add its range to DOCSORT_ALLOW_CIDRS to allow',
    );
  });
});

describe('downloadFile: redirects', () => {
  const onlyFirstLoopback: AddressPolicy = { allowPrivate: false, allowCidrs: ['127.0.0.1/32'] };

  function redirectTo(location: string, status = 302): Handler {
    return (_req, res) => {
      res.writeHead(status, { location });
      res.end();
    };
  }

  it('follows relative and absolute redirects, re-checking each hop', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/start') return redirectTo('/middle', 301)(req, res);
      if (req.url === '/middle')
        return redirectTo(`http://127.0.0.1:${server.port}/final.pdf`, 307)(req, res);
      return sendPdf(req, res);
    });
    const file = await downloadFile(server.url('/start'), { policy: onlyFirstLoopback, ...base });
    expect(file.finalUrl).toBe(server.url('/final.pdf'));
    expect(file.fileName).toBe('final.pdf');
    expect(server.requests.map((r) => r.url)).toEqual(['/start', '/middle', '/final.pdf']);
  });

  it('refuses a redirect to a loopback address outside allowCidrs, before connecting to it', async () => {
    const forbidden = await serve(sendPdf, '127.0.0.2');
    const entry = await serve(redirectTo(forbidden.url('/secret')));
    const error = await downloadError(entry.url('/start'), { policy: onlyFirstLoopback });
    expect(error.kind).toBe('forbidden_address');
    expect(error.message).toContain('Refusing to connect to 127.0.0.2 (loopback address)');
    expect(entry.requests).toHaveLength(1);
    expect(forbidden.connections).toBe(0);
  });

  it('refuses a redirect to cloud metadata even with private networks allowed', async () => {
    const entry = await serve(redirectTo('http://169.254.169.254/latest/meta-data/iam/'));
    const error = await downloadError(entry.url('/'), { policy: privateAllowed });
    expect(error.kind).toBe('forbidden_address');
    expect(error.message).toContain('169.254.169.254 (cloud metadata address)');
  });

  it('refuses a redirect to another scheme', async () => {
    const entry = await serve(redirectTo('file:///etc/passwd'));
    const error = await downloadError(entry.url('/'), { policy: privateAllowed });
    expect(error).toMatchObject({ kind: 'invalid_url' });
    expect(error.message).toContain('not file:');
  });

  it('stops after maxRedirects', async () => {
    const server = await serve((req, res) => redirectTo('/again')(req, res));
    const error = await downloadError(server.url('/'), { policy: privateAllowed, maxRedirects: 2 });
    expect(error).toMatchObject({ kind: 'http_status', status: 302 });
    expect(error.message).toMatch(/Too many redirects \(more than 2\)/);
    expect(server.requests).toHaveLength(3);
  });
});

describe('downloadFile: limits and failures', () => {
  it('times out on a server that never answers', async () => {
    let socketClosed = false;
    const server = await serve((req) => {
      // Never respond; only watch for the client giving up.
      req.socket.once('close', () => {
        socketClosed = true;
      });
    });
    const started = Date.now();
    const error = await downloadError(server.url('/slow.pdf?token=secret'), {
      policy: privateAllowed,
      timeoutMs: 200,
    });
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(`Downloading ${server.url('/slow.pdf')} timed out after 200 ms`);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(server.requests).toHaveLength(1);
    // The abandoned connection is closed by the client, not left open until the server gives up.
    await vi.waitFor(() => expect(socketClosed).toBe(true));
  });

  it('rejects a too-large Content-Length before reading the body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 10_000 });
      res.write(Buffer.alloc(100));
      // The rest never comes: only the header can have ended the download.
    });
    const error = await downloadError(server.url('/big.pdf'), { policy: privateAllowed, maxBytes: 1_000 });
    expect(error.kind).toBe('too_large');
    expect(error.message).toBe(`The file at ${server.url('/big.pdf')} is 9.8 KB, over the 1000 bytes limit`);
  });

  it('stops a chunked body that grows past maxBytes', async () => {
    let closed = false;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.on('close', () => {
        closed = true;
      });
      writeForever(res);
    });
    const error = await downloadError(server.url('/endless'), {
      policy: privateAllowed,
      maxBytes: 256 * 1024,
    });
    expect(error.kind).toBe('too_large');
    expect(error.message).toBe(`The file at ${server.url('/endless')} is larger than the 256 KB limit`);
    await vi.waitFor(() => expect(closed).toBe(true));
  });

  it('accepts a chunked body of exactly maxBytes', async () => {
    const server = await serve((_req, res) => {
      res.write(Buffer.alloc(60, 1));
      res.end(Buffer.alloc(40, 2));
    });
    const file = await downloadFile(server.url('/exact'), { policy: privateAllowed, ...base, maxBytes: 100 });
    expect(file.bytes.byteLength).toBe(100);
    expect(file.bytes[99]).toBe(2);
  });

  it.each([
    [404, 'Not Found'],
    [500, 'Internal Server Error'],
  ])('fails on status %i naming it, without the query string', async (status, reason) => {
    const server = await serve((_req, res) => {
      res.writeHead(status);
      res.end('nope');
    });
    const error = await downloadError(server.url('/missing.pdf?X-Amz-Signature=secret'), {
      policy: privateAllowed,
    });
    expect(error).toMatchObject({ kind: 'http_status', status });
    expect(error.message).toBe(`The server answered ${status} ${reason} for ${server.url('/missing.pdf')}`);
  });

  it('reports a refused connection as a network failure', async () => {
    const server = await serve(sendPdf);
    const url = server.url('/gone.pdf');
    await server.close();
    servers.splice(0);
    const error = await downloadError(url, { policy: privateAllowed });
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(new RegExp(`^Could not download ${url}: .*ECONNREFUSED`));
  });

  it.each([
    ['file:///etc/passwd', 'Only http and https URLs can be fetched, not file: (file:///etc/passwd)'],
    [
      'ftp://example.com/report.pdf',
      'Only http and https URLs can be fetched, not ftp: (ftp://example.com/report.pdf)',
    ],
    ['not a url', '"not a url" is not a valid URL'],
  ])('refuses %s as an invalid URL', async (url, message) => {
    const error = await downloadError(url, { policy: privateAllowed });
    expect(error).toMatchObject({ kind: 'invalid_url', message });
  });

  it('refuses URLs with credentials without echoing them', async () => {
    const error = await downloadError('https://user:hunter2@example.com/a.pdf');
    expect(error.kind).toBe('invalid_url');
    expect(error.message).not.toContain('hunter2');
  });

  it('throws a plain error for an invalid allowCidrs entry (an operator mistake, not a download failure)', async () => {
    const attempt = downloadFile('https://example.com/a.pdf', {
      policy: { allowPrivate: false, allowCidrs: ['10.0.0.0/40'] },
      ...base,
    });
    await expect(attempt).rejects.toThrow('Invalid CIDR "10.0.0.0/40"');
    await expect(attempt).rejects.not.toBeInstanceOf(DownloadError);
  });
});

/** Write 16 KB chunks for as long as the client keeps reading. */
function writeForever(res: ServerResponse): void {
  const chunk = Buffer.alloc(16 * 1024, 7);
  const pump = () => {
    while (!res.destroyed && res.write(chunk)) {
      // Keep filling until the socket buffer pushes back.
    }
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

describe('createHttpDownloader', () => {
  it('serves the Downloader port and rejects a bad policy up front', async () => {
    const server = await serve(sendPdf);
    const downloader = createHttpDownloader({ policy: privateAllowed, ...base });
    expect((await downloader.download(server.url('/port.pdf'))).fileName).toBe('port.pdf');
    expect(() =>
      createHttpDownloader({ policy: { allowPrivate: false, allowCidrs: ['nope'] }, ...base }),
    ).toThrow('Invalid CIDR "nope"');
  });
});
