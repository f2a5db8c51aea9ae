import { describe, expect, it } from 'vitest';
import { nextVersionNumber } from '../../src/core/classifiers.js';
import { selectPages } from '../../src/core/page-selection.js';
import { mergeOverride } from '../../src/core/run-config.js';
import { type ClassifyConfig, ClassifyConfigSchema } from '../../src/core/schemas.js';
import { classifyUsage } from '../../src/core/usage.js';
import { decodeCursor, encodeCursor } from '../../src/store/pagination.js';

const base: ClassifyConfig = {
  classifications: [
    { id: 'a', type: 'invoice', description: 'x' },
    { id: 'o', type: 'other', description: '' },
  ],
  classificationRules: 'rule',
  advancedOptions: { context: 'max', pageRanges: [{ start: 1, end: 2 }] },
};

describe('version numbering (Decisions 5)', () => {
  it('starts at 0.1 / 1.0 and resets the minor on major', () => {
    expect(nextVersionNumber(null, 'minor')).toEqual({ major: 0, minor: 1 });
    expect(nextVersionNumber(null, 'major')).toEqual({ major: 1, minor: 0 });
    expect(nextVersionNumber({ major: 0, minor: 9 }, 'minor')).toEqual({ major: 0, minor: 10 });
    expect(nextVersionNumber({ major: 1, minor: 4 }, 'major')).toEqual({ major: 2, minor: 0 });
  });
});

describe('overrideConfig merge', () => {
  it('replaces top-level fields and merges advancedOptions one level deeper', () => {
    const merged = mergeOverride(base, {
      classificationRules: 'new',
      advancedOptions: { context: 'default' },
    });
    expect(merged.classificationRules).toBe('new');
    expect(merged.classifications).toBe(base.classifications);
    expect(merged.advancedOptions).toEqual({ context: 'default', pageRanges: [{ start: 1, end: 2 }] });
    expect(mergeOverride(base, undefined)).toBe(base);
  });
});

describe('config validation', () => {
  it('needs an other class, unique ids and sane page ranges', () => {
    expect(ClassifyConfigSchema.safeParse(base).success).toBe(true);
    const noOther = ClassifyConfigSchema.safeParse({
      classifications: [{ id: 'a', type: 'x', description: '' }],
    });
    expect(noOther.success).toBe(false);
    const badRange = ClassifyConfigSchema.safeParse({
      ...base,
      advancedOptions: { pageRanges: [{ start: 3, end: 1 }] },
    });
    expect(badRange.success).toBe(false);
    const unknown = ClassifyConfigSchema.safeParse({ ...base, colour: 'red' });
    expect(unknown.success).toBe(false);
  });
});

describe('page selection', () => {
  const pages = Array.from({ length: 10 }, (_, i) => ({ pageNumber: i + 1, text: `page ${i + 1}` }));
  it('applies pageRanges, then context', () => {
    expect(selectPages(pages, { ...base, advancedOptions: { context: 'max' } }, 3)).toHaveLength(10);
    expect(selectPages(pages, { ...base, advancedOptions: {} }, 3).map((p) => p.pageNumber)).toEqual([
      1, 2, 3,
    ]);
    const ranged = selectPages(
      pages,
      {
        ...base,
        advancedOptions: {
          pageRanges: [
            { start: 4, end: 5 },
            { start: 9, end: 20 },
          ],
        },
      },
      3,
    );
    expect(ranged.map((p) => p.pageNumber)).toEqual([4, 5, 9]);
  });
  it('caps the default context by characters', () => {
    const long = [
      { pageNumber: 1, text: 'x'.repeat(100_000) },
      { pageNumber: 2, text: 'y' },
    ];
    const out = selectPages(long, { ...base, advancedOptions: {} }, 5);
    expect(out).toHaveLength(1);
    expect(out[0]?.text.length).toBe(40_000);
  });
});

describe('usage', () => {
  it('bills parsing only when a new parse run was made', () => {
    const fresh = classifyUsage('clr_1', 'local-lexical@1', [1, 2], { id: 'pr_1', pageCount: 3 });
    expect(fresh).toMatchObject({ credits: 2, totalCredits: 5 });
    expect(fresh.breakdown?.[0]?.engine).toBe('local-lexical@1');
    expect(fresh.breakdown?.map((b) => b.object)).toEqual(['classify_run', 'parse_run']);
    const reused = classifyUsage('clr_2', 'llm:llama3.1', [1], null);
    expect(reused).toMatchObject({ credits: 1, totalCredits: 1 });
    expect(reused.breakdown).toHaveLength(1);
  });
});

describe('page tokens', () => {
  it('round-trip and refuse a token from another query or garbage', () => {
    const token = encodeCursor({ v: '2026-01-01T00:00:00.000Z', id: 'clr_x', f: 'fp1' });
    expect(decodeCursor(token, 'fp1')).toEqual({ v: '2026-01-01T00:00:00.000Z', id: 'clr_x', f: 'fp1' });
    expect(() => decodeCursor(token, 'fp2')).toThrow(/different query/);
    expect(() => decodeCursor('garbage!', 'fp1')).toThrow(/not a valid page token/);
  });
});
