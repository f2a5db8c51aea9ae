import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLocalClassifier } from '../../src/adapters/classifiers/local/index.js';
import {
  blendLogits,
  featurize,
  leaveOneOutSimilarities,
  similarities,
  trainLearnedModel,
  vectorOf,
} from '../../src/adapters/classifiers/local/learned.js';
import { compileModel } from '../../src/adapters/classifiers/local/model.js';
import { DEFAULT_PARAMETERS } from '../../src/adapters/classifiers/local/parameters.js';
import {
  fitTemperature,
  heldOutPredictions,
  temperatureFor,
} from '../../src/adapters/classifiers/local/self-calibration.js';
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

describe('self-calibration: a temperature per classifier from its examples held out one at a time', () => {
  const items = [
    example('1', 'a', 'torque calibration of the widget assembly spindle'),
    example('2', 'a', 'widget assembly torque gauge calibration'),
    example('3', 'a', 'spindle gauge drift on the widget line, torque'),
    example('4', 'b', 'vessel berth at the harbour, container cargo'),
    example('5', 'b', 'harbour pilot and container vessel at berth'),
  ];

  it('holds an example out without retraining: its class centroid loses exactly its vector', () => {
    const model = compileModel(CLASSES, null);
    const learned = trainLearnedModel(model.profiles, { version: 'v', items }, true);
    const own = learned.vectors.find((v) => v.id === '1')!;
    // The centroid of examples 2 and 3, built by hand with the same idf.
    const rest = new Map<string, number>();
    for (const e of items.slice(1, 3)) {
      for (const [t, w] of vectorOf(e.terms, learned.idf, 0)) rest.set(t, (rest.get(t) ?? 0) + w);
    }
    const norm = Math.sqrt([...rest.values()].reduce((s, w) => s + w * w, 0));
    let expected = 0;
    for (const [t, w] of own.vector) expected += (w * (rest.get(t) ?? 0)) / norm;
    const sims = leaveOneOutSimilarities(learned, own, 0);
    expect(sims[0]).toBeCloseTo(expected, 9);
    // Other classes are as the full model sees them; a class left with no example says nothing.
    expect(sims[1]).toBeCloseTo(similarities(learned, { terms: items[0]!.terms, wordCount: 5 }, 0)[1]!, 9);
    expect(sims[2]).toBeNull();
    const lone = trainLearnedModel(
      model.profiles,
      { version: 'w', items: [...items.slice(0, 3), items[3]!] },
      true,
    );
    expect(leaveOneOutSimilarities(lone, lone.vectors.find((v) => v.id === '4')!, 0)[1]).toBeNull();
    // The nearest-example part never finds the example itself.
    const nearest = leaveOneOutSimilarities(learned, own, 1);
    expect(nearest[0]).toBeLessThan(0.999);
  });

  it('softens an overconfident model, sharpens a timid one, and stays at 1 without evidence', () => {
    // Confident and right half the time: the likeliest temperature is above 1.
    const overconfident = Array.from({ length: 40 }, (_, i) => ({ logits: [4, 0, 0], truth: i % 2 }));
    expect(temperatureFor(overconfident)).toBeGreaterThan(1.5);
    // Always right with small margins: below 1.
    const timid = Array.from({ length: 40 }, (_, i) => ({
      logits: i % 2 ? [0, 0.4, 0] : [0.4, 0, 0],
      truth: i % 2,
    }));
    expect(temperatureFor(timid)).toBeLessThan(0.7);
    // Two held-out examples move it less than forty; one class or none tells nothing.
    const few = temperatureFor(overconfident.slice(0, 2));
    expect(few).toBeGreaterThan(1);
    expect(few).toBeLessThan(temperatureFor(overconfident));
    expect(temperatureFor([])).toBe(1);
    expect(
      temperatureFor([
        { logits: [3, 0], truth: 0 },
        { logits: [0, 3], truth: 0 },
      ]),
    ).toBe(1);
  });

  it('holds out only person-labelled examples of classes with at least two', () => {
    const model = compileModel(CLASSES, null);
    const weak = { ...example('6', 'b', 'container berth harbour'), weak: true };
    const examples = { version: 'v', items: [...items, weak, example('7', 'other', 'misc note')] };
    const learned = trainLearnedModel(model.profiles, examples);
    const rows = heldOutPredictions(model, learned, examples, DEFAULT_PARAMETERS);
    // 3 of a, 2 of b; the weak one and the lone "other" are never held out.
    expect(rows.map((r) => r.truth).sort()).toEqual([0, 0, 0, 1, 1]);
    expect(rows.every((r) => r.logits.length === 3)).toBe(true);
    const t = fitTemperature(model, learned, examples, DEFAULT_PARAMETERS);
    expect(t).toBeGreaterThan(0.3);
    expect(t).toBeLessThan(3);
  });

  it('examples that contradict each other make the classifier less sure of itself', async () => {
    // The same two kinds of text under both labels: held out, the examples are right about half the time.
    const texts = [
      'torque calibration of the widget assembly spindle gauge',
      'vessel berth at the harbour, container cargo and pilot',
    ];
    const noisy = Array.from({ length: 16 }, (_, i) =>
      example(
        `n${i}`,
        i % 2 ? 'a' : 'b',
        `${texts[Math.floor(i / 2) % 2]} ${['report', 'notice', 'log', 'memo'][Math.floor(i / 4)]}`,
      ),
    );
    const pages = [{ pageNumber: 1, text: texts[0]! }];
    const model = compileModel(CLASSES, null);
    const learned = trainLearnedModel(model.profiles, { version: 'n', items: noisy });
    expect(
      fitTemperature(model, learned, { version: 'n', items: noisy }, DEFAULT_PARAMETERS),
    ).toBeGreaterThan(1);
    const clean = Array.from({ length: 16 }, (_, i) =>
      example(`c${i}`, i % 2 ? 'a' : 'b', `${texts[i % 2]} ${['report', 'notice', 'log', 'memo'][i % 4]}`),
    );
    const classifier = createLocalClassifier();
    const sure = await classifier.classify({
      classifications: CLASSES,
      pages,
      examples: { version: 'c', items: clean },
    });
    const unsure = await classifier.classify({
      classifications: CLASSES,
      pages,
      examples: { version: 'n', items: noisy },
    });
    expect(sure.id).toBe('b');
    expect(unsure.confidence).toBeLessThan(sure.confidence);
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
