import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, startTestServer, type TestServer, waitFor } from '../support/test-server.js';

const invoiceB64 = Buffer.from('INVOICE 77\nBill to: Acme\nTotal due: $12.00\n').toString('base64');
const EML = [
  'From: Alice <alice@example.com>',
  'To: Bob <bob@example.com>',
  'Subject: Your invoice',
  'Date: Tue, 3 Mar 2026 10:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="XYZ"',
  '',
  '--XYZ',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Dear Bob, please find the invoice attached. Sincerely, Alice',
  '--XYZ',
  'Content-Type: text/plain; name="invoice-77.txt"',
  'Content-Disposition: attachment; filename="invoice-77.txt"',
  'Content-Transfer-Encoding: base64',
  '',
  invoiceB64,
  '--XYZ--',
  '',
].join('\r\n');

/** An e-mail's attachments become child files that can be classified on their own (issue 4). */
describe.each(backends())('e-mail attachments as child files (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('classifying an .eml creates one child file per attachment, once', async () => {
    const form = new FormData();
    form.append('file', new Blob([EML]), 'message.eml');
    const parent = (await s.api('POST', '/files/upload', form)).body;
    expect(parent.type).toBe('EML');
    const run = await s.client.classify({ config: BASIC_CONFIG, file: { id: parent.id } });
    expect(run.status).toBe('PROCESSED');

    const children = await s.api('GET', `/files?parentFileId=${parent.id}`);
    expect(children.body.data).toHaveLength(1);
    const child = children.body.data[0];
    expect(child).toMatchObject({ name: 'invoice-77.txt', parentFileId: parent.id, type: 'TXT' });

    const childRun = await s.client.classify({ config: BASIC_CONFIG, file: { id: child.id } });
    expect(childRun.output?.id).toBe('invoice');

    // A second parse of the parent (other options) adds no duplicate children.
    const again = await s.client.parseRuns.create({
      file: { id: parent.id },
      config: { chunkingStrategy: { type: 'document' } },
    });
    await waitFor(async () => (await s.client.parseRuns.retrieve(again.id)).status === 'PROCESSED');
    expect((await s.api('GET', `/files?parentFileId=${parent.id}`)).body.data).toHaveLength(1);
  });
});
