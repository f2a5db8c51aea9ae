import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/adapters/classifiers/local/calibration.js';
import { cueTerm } from '../../src/adapters/classifiers/local/cue-definitions.js';
import { buildFuzzyIndex, fuzzyMatch } from '../../src/adapters/classifiers/local/fuzzy-match.js';
import { configKey } from '../../src/adapters/classifiers/local/model-cache.js';
import { buildProfiles } from '../../src/adapters/classifiers/local/profile.js';
import { parseRules } from '../../src/adapters/classifiers/local/rules.js';
import { stem } from '../../src/adapters/classifiers/local/stemmer.js';
import { detectCues } from '../../src/adapters/classifiers/local/structural-cues.js';
import {
  contentTermsOf,
  phraseKeyOf,
  splitIdentifier,
  tokenizePages,
} from '../../src/adapters/classifiers/local/tokenizer.js';

describe('stemmer', () => {
  it('follows Porter on the classic examples', () => {
    const cases: Record<string, string> = {
      caresses: 'caress',
      ponies: 'poni',
      running: 'run',
      agreed: 'agre',
      relational: 'relat',
      generalization: 'gener',
      adjustment: 'adjust',
      controlling: 'control',
      hopeful: 'hope',
    };
    for (const [word, expected] of Object.entries(cases)) expect(stem(word), word).toBe(expected);
  });

  it('merges the forms of a word and keeps "news" apart from "new"', () => {
    expect(stem('invoices')).toBe(stem('invoicing'));
    expect(stem('invoiced')).toBe(stem('invoice'));
    expect(stem('news')).not.toBe(stem('new'));
    expect(stem('business')).not.toBe(stem('busy'));
  });
});

describe('tokenizer', () => {
  it('lowercases, drops stopwords and numbers, strips accents and stems', () => {
    expect(contentTermsOf('The Résumés of 3 applicants')).toEqual(['resum', 'applic']);
    expect(contentTermsOf('E-mail and email')).toEqual(['email', 'email']);
  });

  it('keeps stopwords inside phrase keys', () => {
    expect(phraseKeyOf('Bill to')).toBe('bill to');
    expect(phraseKeyOf('Total amounts due')).toBe('total amount due');
  });

  it('splits identifiers in any style', () => {
    for (const id of [
      'purchase_order',
      'purchaseOrder',
      'PurchaseOrder',
      'purchase-order',
      'PURCHASE_ORDER',
    ]) {
      expect(splitIdentifier(id).toLowerCase(), id).toBe('purchase order');
    }
    expect(splitIdentifier('W2Form')).toBe('W2 Form');
  });

  it('marks the first lines of the first page as title and keeps page numbers', () => {
    const tokens = tokenizePages([
      { pageNumber: 1, text: 'INVOICE\nACME Ltd\nLine three words here' },
      { pageNumber: 2, text: 'Total due' },
    ]);
    expect(tokens.filter((t) => t.inTitle).map((t) => t.surface)).toEqual(['invoice', 'acme', 'ltd']);
    expect(tokens.find((t) => t.surface === 'due')?.pageNumber).toBe(2);
  });
});

describe('rules', () => {
  const classes = [
    { id: 'purchase_order', type: 'purchase order' },
    { id: 'invoice', type: 'invoice' },
    { id: 'receipt', type: 'receipt' },
  ];

  it('gives a sentence that names a classification to that classification', () => {
    const [evidence] = parseRules('Documents that mention a PO number are purchase orders.', classes);
    expect(evidence?.classIndex).toBe(0);
    expect(evidence?.negative).toBe(false);
    expect(evidence?.terms).toContain(phraseKeyOf('po number'));
    expect(evidence?.terms).not.toContain(stem('document'));
  });

  it('turns a classification named after a negation into counter-evidence', () => {
    const evidence = parseRules('A credit note is a receipt, not an invoice.', classes);
    expect(evidence.find((e) => e.classIndex === 2)?.negative).toBe(false);
    expect(evidence.find((e) => e.classIndex === 1)?.negative).toBe(true);
    expect(evidence[0]?.terms).toContain(phraseKeyOf('credit note'));
  });

  it('takes quoted phrases whole and ignores sentences that name no classification', () => {
    const evidence = parseRules('Be careful.\nFiles with "Statement of Work" are invoices.', classes);
    expect(evidence).toHaveLength(1);
    expect(evidence[0]?.terms).toContain(phraseKeyOf('statement of work'));
  });

  it('reads nothing from empty rules', () => {
    expect(parseRules(null, classes)).toEqual([]);
    expect(parseRules('   ', classes)).toEqual([]);
  });
});

describe('profiles', () => {
  it('calls up the knowledge base from the type and the description', () => {
    const [invoice, sport, other] = buildProfiles(
      [
        { id: 'inv', type: 'invoice', description: '' },
        { id: 'x', type: 'games', description: 'Articles about matches, players and tournaments.' },
        { id: 'o', type: 'other', description: 'Anything else.' },
      ],
      null,
    );
    expect(invoice?.knowledge.map((k) => k.id)).toContain('invoice');
    expect(invoice?.terms.has(phraseKeyOf('bill to'))).toBe(true);
    expect(invoice?.terms.has(cueTerm('total-line'))).toBe(true);
    expect(sport?.knowledge.map((k) => k.id)).toContain('sport');
    expect(other?.isOther).toBe(true);
    expect(other?.terms.size).toBe(0);
  });
});

describe('structural cues', () => {
  it('finds e-mail headers, salutations and closings with their page', () => {
    const cues = detectCues(
      [
        {
          pageNumber: 1,
          text: 'From: Ann <ann@example.com>\nSent: Monday 10:12\nTo: Bob\nSubject: RE: plan',
        },
        { pageNumber: 2, text: 'Dear Mr Brown,\nThank you.\nYours sincerely,\nAnn' },
      ],
      200,
    );
    expect(cues.get(cueTerm('email-header'))?.pageNumber).toBe(1);
    expect(cues.get(cueTerm('email-address'))?.sample).toBe('ann@example.com');
    expect(cues.get(cueTerm('salutation'))?.pageNumber).toBe(2);
    expect(cues.get(cueTerm('complimentary-close'))?.pageNumber).toBe(2);
    expect(cues.has(cueTerm('short-text'))).toBe(false);
  });

  it('finds money totals and form blanks', () => {
    const cues = detectCues(
      [{ pageNumber: 1, text: 'Name: ________\nDate: ________\nSignature: ______\nTotal due: $1,200.00' }],
      10,
    );
    expect(cues.has(cueTerm('total-line'))).toBe(true);
    expect(cues.has(cueTerm('fill-in-blanks'))).toBe(true);
    expect(cues.has(cueTerm('short-text'))).toBe(true);
  });

  it('finds a newspaper masthead or dateline, but not an e-mail date header', () => {
    const clipping = detectCues(
      [{ pageNumber: 1, text: 'DURHAM MORNING HERALD\nDurham, North Carolina\nLung cancer grows silently' }],
      200,
    );
    expect(clipping.get(cueTerm('masthead'))?.sample).toBe('DURHAM MORNING HERALD');
    const dated = detectCues([{ pageNumber: 1, text: 'SEATTLE P-I, WEDNESDAY, MARCH 31, 1982\nText' }], 200);
    expect(dated.has(cueTerm('masthead'))).toBe(true);
    const mail = detectCues(
      [{ pageNumber: 1, text: 'Sent: Wednesday, March 31, 1999 10:12 AM\nTo: Bob' }],
      200,
    );
    expect(mail.has(cueTerm('masthead'))).toBe(false);
    expect(
      detectCues([{ pageNumber: 1, text: 'The Herald reported it.' }], 200).has(cueTerm('masthead')),
    ).toBe(false);
  });

  it('counts a memo heading more when it opens the first page', () => {
    const body = 'The attached report covers the study.\n'.repeat(12);
    const opening = detectCues([{ pageNumber: 1, text: `MEMORANDUM\nTO: Staff\nFROM: Ann\n${body}` }], 200);
    const quoted = detectCues([{ pageNumber: 1, text: `${body}MEMORANDUM\nTO: Staff\nFROM: Ann\n` }], 200);
    expect(opening.get(cueTerm('memo-heading'))?.count).toBeGreaterThan(
      quoted.get(cueTerm('memo-heading'))?.count ?? 0,
    );
    expect(opening.get(cueTerm('header-block'))?.count).toBeGreaterThan(
      quoted.get(cueTerm('header-block'))?.count ?? 0,
    );
  });

  it('stays fast on long lines (no quadratic backtracking)', () => {
    const text = `${'word '.repeat(20_000)}\n${' '.repeat(20_000)}x:`;
    const started = performance.now();
    detectCues([{ pageNumber: 1, text }], 20_000);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('fuzzy matching', () => {
  it('matches OCR near-misses to known words, not different words', () => {
    const index = buildFuzzyIndex(['memorandum', 'invoic', 'particl']);
    expect(fuzzyMatch(index, 'memorandun')).toBe('memorandum');
    expect(fuzzyMatch(index, 'articl')).toBeNull();
    expect(fuzzyMatch(index, 'zebra')).toBeNull();
  });
});

describe('calibration', () => {
  it('returns probabilities that sum to 1 and follow the scores', () => {
    const p = calibrate([2, 1, 0, -1], 300, {
      confidenceScale: 1.2,
      confidenceLengthExponent: 0.2,
      scoreFloor: 0.5,
    });
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[0]).toBeGreaterThan(p[1]!);
    expect(p[1]).toBeGreaterThan(p[2]!);
    expect(p[2]).toBe(p[3]);
  });
});

describe('model cache key', () => {
  it('changes with the rules and the classifications, not with object identity', () => {
    const classifications = [{ id: 'a', type: 'invoice', description: 'x' }];
    expect(configKey(classifications, null)).toBe(configKey([{ ...classifications[0]! }], ''));
    expect(configKey(classifications, 'rule')).not.toBe(configKey(classifications, null));
    expect(configKey([{ id: 'a', type: 'invoice', description: 'y' }], null)).not.toBe(
      configKey(classifications, null),
    );
  });
});
