import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCRYPTED_FIXTURES, encryptedFixture, FIXTURE_PASSWORD } from '../fixtures/office-encrypted.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SLOW = 120_000;
const fixture = ENCRYPTED_FIXTURES[0];

/** An encrypted DOCX through the API: the upload's `password` part reaches the parser process (isolated). */
describe('password-encrypted DOCX through the API', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
  });
  afterAll(async () => {
    await s?.stop();
  });

  async function upload(password?: string): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([encryptedFixture(fixture.file)]), 'report.docx');
    if (password !== undefined) form.append('password', password);
    const res = await s.api('POST', '/files/upload', form);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(password ?? FIXTURE_PASSWORD);
    return res.body.id;
  }

  it(
    'parses with the password sent at upload, and fails with PASSWORD_PROTECTED_FILE without it',
    async () => {
      const run = await s.api('POST', '/parse', { file: { id: await upload(FIXTURE_PASSWORD) } });
      expect(run.status).toBe(200);
      expect(run.body.status).toBe('PROCESSED');
      expect(run.body.output.chunks.map((c: { content: string }) => c.content).join('\n')).toContain(
        'These are a few of my favorite things',
      );

      const missing = await s.api('POST', '/parse', { file: { id: await upload() } });
      expect(missing.status).toBe(422);
      expect(missing.body.message).toMatch(
        /^PASSWORD_PROTECTED_FILE: The Office document is encrypted with a password; send its password in the file settings\./,
      );

      const wrongPassword = 'hunter2-not-it';
      const wrong = await s.api('POST', '/parse', { file: { id: await upload(wrongPassword) } });
      expect(wrong.status).toBe(422);
      expect(wrong.body.message).toMatch(
        /^PASSWORD_PROTECTED_FILE: The password for this Office document is incorrect\./,
      );
      expect(JSON.stringify(wrong.body)).not.toContain(wrongPassword);
    },
    SLOW,
  );
});
