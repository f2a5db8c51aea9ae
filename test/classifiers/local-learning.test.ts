import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLocalClassifier } from '../../src/adapters/classifiers/local/index.js';
import {
  blendLogits,
  featurize,
  similarities,
  trainLearnedModel,
} from '../../src/adapters/classifiers/local/learned.js';
import { compileModel } from '../../src/adapters/classifiers/local/model.js';
import { DEFAULT_PARAMETERS } from '../../src/adapters/classifiers/local/parameters.js';
import type { ClassificationDefinition, TrainingExample } from '../../src/ports/classifier.js';
import { sharedPath } from '../support/shared-dir.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = sharedPath('data');

const CLASSES: ClassificationDefinition[] = [
  { id: 'a', type: 'kind_a', description: 'Documents of the first kind.' },
  { id: 'b', type: 'kind_b', description: 'Documents of the second kind.' },
  { id: 'other', type: 'other', description: 'Anything else.' },
];

const example = (id: string, classificationId: string, text: string): TrainingExample => {
  const f = featurize([{ pageNumber: 1, text }]);
  return { id, classificationId, terms: f.terms, wordCount: f.wordCount };
};

describe('learning from examples: the pieces', () => {
  it('featurizes stemmed words, title words double, repeated word pairs, function words, layout cues and page shape', () => {
    const f = featurize([
      {
        pageNumber: 1,
        text: 'MEMORANDUM\nTo: all staff\nFrom: Ann\nSubject: parking\nParking permits renew. Parking permits renew.',
      },
    ]);
    expect(f.terms.memorandum).toBe(2);
    expect(f.terms['park permit']).toBe(1);
    expect(Object.keys(f.terms).some((k) => k.startsWith('#cue:'))).toBe(true);
    expect(f.wordCount).toBeGreaterThan(5);
    // Function words and the page's shape: what tells a memo from a report when the topic is the same.
    expect(f.terms['~all']).toBe(1);
    expect(f.terms['#lead:to']).toBe(1);
    expect(f.terms['#lead:subject']).toBe(1);
    expect(Object.keys(f.terms).filter((k) => /^#(short|digits|upper|length):\d$/.test(k))).toHaveLength(4);
    expect(featurize([{ pageNumber: 1, text: '' }])).toEqual({ terms: {}, wordCount: 0 });
  });

  it('trains unit-length centroids only for classes with examples; similarity is highest to the own class', () => {
    const model = compileModel(CLASSES, null);
    const learned = trainLearnedModel(model.profiles, {
      version: 'v1',
      items: [
        example('1', 'a', 'torque calibration of the widget assembly spindle'),
        example('2', 'a', 'widget assembly torque gauge calibration'),
        example('3', 'b', 'vessel berth at the harbour, container cargo'),
        example('4', 'unknown-class', 'ignored: not a classification of this config'),
      ],
    });
    expect(learned.total).toBe(3);
    expect(learned.counts).toEqual([2, 1, 0]);
    expect(learned.centroids[2]).toBeNull();
    const norm = Math.sqrt([...(learned.centroids[0]?.values() ?? [])].reduce((s, w) => s + w * w, 0));
    expect(norm).toBeCloseTo(1, 6);
    const sims = similarities(
      learned,
      featurize([{ pageNumber: 1, text: 'spindle torque calibration report' }]),
      0,
    );
    expect(sims[2]).toBeNull();
    expect(sims[0]).toBeGreaterThan(sims[1] ?? 1);
  });

  it('blends: no examples leaves the description logits as they are; examples move the winner', () => {
    const logits = [1, 0.5, 0.8];
    expect(blendLogits(logits, [null, null, null], [0, 0, 0], DEFAULT_PARAMETERS)).toEqual(logits);
    const moved = blendLogits(logits, [0.1, 0.6, null], [10, 10, 0], DEFAULT_PARAMETERS);
    expect(moved.indexOf(Math.max(...moved))).toBe(1);
    // A class without examples gets the mean similarity: neutral, neither pushed up nor down.
    const neutral = blendLogits([0, 0, 0], [0.2, 0.4, null], [5, 5, 0], DEFAULT_PARAMETERS);
    expect(neutral[2]).toBeCloseTo((neutral[0]! + neutral[1]!) / 2, 9);
  });

  it('classifies what descriptions cannot tell apart once it has two examples per class, and says so', async () => {
    const classifier = createLocalClassifier();
    const examples = {
      version: 'x',
      items: [
        example('1', 'a', 'torque calibration log for widget assembly line, spindle gauge'),
        example('2', 'a', 'widget assembly torque check, spindle recalibrated, gauge drift'),
        example('3', 'b', 'vessel berth schedule, container ship at harbour berth, pilot'),
        example('4', 'b', 'harbour notice: berth closed, container vessels redirected, pilot'),
      ],
    };
    const pages = [
      { pageNumber: 1, text: 'Pilot request for the vessel entering harbour; berth 5, container discharge.' },
    ];
    const without = await classifier.classify({ classifications: CLASSES, pages });
    const withExamples = await classifier.classify({ classifications: CLASSES, pages, examples });
    expect(without.reasoning).not.toContain('Learned from');
    expect(withExamples.id).toBe('b');
    expect(withExamples.reasoning).toMatch(
      /Learned from 4 labelled documents; similarity to them: "kind_b" 0\.\d\d \(2 examples\)/,
    );
    expect(withExamples.engine).toBe('local-lexical@1');
    expect(typeof classifier.featuresVersion).toBe('string');
  });
});

interface BenchConfig {
  labels: Record<string, string>;
  config: { classifications: ClassificationDefinition[] };
}

const load = (name: string) => {
  const { labels, config } = JSON.parse(
    readFileSync(join(root, 'bench/configs', `${name}.json`), 'utf8'),
  ) as BenchConfig;
  const docs = Object.entries(labels).flatMap(([folder, id]) =>
    readdirSync(join(dataDir, name, folder))
      .sort()
      .map((file, i) => ({ id, i, text: readFileSync(join(dataDir, name, folder, file), 'utf8') })),
  );
  return { classes: config.classifications, docs };
};

const evaluate = async (
  classes: ClassificationDefinition[],
  docs: { id: string; text: string }[],
  examples: TrainingExample[] | null,
) => {
  const classifier = createLocalClassifier();
  const results = [];
  for (const d of docs) {
    const r = await classifier.classify({
      classifications: classes,
      pages: [{ pageNumber: 1, text: d.text }],
      examples: examples ? { version: 'eval', items: examples } : null,
    });
    results.push({ ok: r.id === d.id, confidence: r.confidence });
  }
  const accuracy = results.filter((r) => r.ok).length / results.length;
  const bins = Array.from({ length: 10 }, () => ({ n: 0, ok: 0, conf: 0 }));
  for (const r of results) {
    const b = bins[Math.min(9, Math.floor(r.confidence * 10))]!;
    b.n++;
    b.conf += r.confidence;
    if (r.ok) b.ok++;
  }
  const ece = bins.reduce(
    (s, b) => s + (b.n ? (b.n / results.length) * Math.abs(b.ok / b.n - b.conf / b.n) : 0),
    0,
  );
  return { accuracy, ece };
};

describe('learning from examples on the development data (held-back documents)', () => {
  it('BBC News: 10 examples per class beat descriptions alone, and stay calibrated', async () => {
    const { classes, docs } = load('bbc-news');
    const train = docs.filter((d) => d.i < 10).map((d, k) => example(`t${k}`, d.id, d.text));
    // Every fifth of the rest: the documents scored are never among the examples.
    const heldBack = docs.filter((d) => d.i >= 10 && d.i % 5 === 0);
    const zero = await evaluate(classes, heldBack, null);
    const learned = await evaluate(classes, heldBack, train);
    expect(learned.accuracy).toBeGreaterThan(zero.accuracy);
    expect(learned.accuracy).toBeGreaterThan(0.9);
    expect(learned.ece).toBeLessThan(0.12);
  }, 60_000);

  it('Tobacco scans: 5 examples per class beat descriptions alone', async () => {
    const { classes, docs } = load('tobacco');
    const train = docs.filter((d) => d.i < 5).map((d, k) => example(`t${k}`, d.id, d.text));
    const heldBack = docs.filter((d) => d.i >= 5);
    const zero = await evaluate(classes, heldBack, null);
    const learned = await evaluate(classes, heldBack, train);
    expect(learned.accuracy).toBeGreaterThan(zero.accuracy);
  }, 60_000);
});
