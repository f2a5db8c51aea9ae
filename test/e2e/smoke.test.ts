import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, INVOICE_TEXT, startTestServer, type TestServer } from '../support/test-server.js';

describe.each(backends())('smoke (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('classifies a text input synchronously through the SDK', async () => {
    const run = await s.client.classify({ config: BASIC_CONFIG, file: { text: INVOICE_TEXT } });
    expect(run.status).toBe('PROCESSED');
    expect(run.output?.id).toBe('invoice');
  });
});
