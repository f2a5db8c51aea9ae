import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseFailure } from '../../src/ports/parser.js';
import { corpusFile, listCorpusFiles } from '../fixtures/corpus.js';
import { parse } from '../fixtures/parse.js';

// Every real-world file either parses to pages or fails with a ParseFailure: never a plain error, never a hang.
describe('parse corpus sweep', () => {
  const files = listCorpusFiles();

  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(files)(
    '%s',
    async (file) => {
      const outcome = await parse(corpusFile(file), path.basename(file), {
        limits: { maxPages: 1000, timeoutMs: 120_000 },
      }).then(
        (doc) => ({ pages: doc.pages.length }),
        (error: unknown) => ({ error }),
      );
      if ('error' in outcome) {
        expect(outcome.error).toBeInstanceOf(ParseFailure);
        expect((outcome.error as ParseFailure).reason).not.toBe('INTERNAL_ERROR');
      } else {
        expect(outcome.pages).toBeGreaterThan(0);
      }
    },
    180_000,
  );
});
