import type { TrainingExample, TrainingExamples } from '../../../ports/classifier.js';

/**
 * Which of a classifier's labelled examples the model is shown as few-shot demonstrations: those a person
 * labelled (a weak label is the engine's own guess and would teach the model its own mistakes), that have an
 * excerpt to show, and whose label is one of the run's classifications; the ones most like the document
 * first, by the cosine between TF-IDF vectors of their terms. At most a few per classification, so that one
 * crowded class does not fill the prompt; the prompt then keeps as many as its budget allows, in this order.
 */

export interface SelectedExample {
  id: string;
  classificationId: string;
  excerpt: string;
  /** Cosine similarity to the document, 0..1. */
  similarity: number;
}

export interface SelectionLimits {
  perClassification: number;
  total: number;
}

export const DEFAULT_SELECTION_LIMITS: SelectionLimits = { perClassification: 2, total: 8 };

type ShowableExample = TrainingExample & { excerpt: string };

/** An inverted index of the examples that may be shown: built once per example set, read once per run. */
interface ExampleIndex {
  shown: ShowableExample[];
  /** Idf of every term of the set's examples. */
  idf: Map<string, number>;
  /** Idf of a term no example has: the rarest possible. */
  unseenIdf: number;
  /** For each term: the examples (positions in `shown`) that have it, with its weight in their unit vector. */
  postings: Map<string, { examples: Int32Array; weights: Float32Array }>;
}

// log1p: sublinear in the count, and positive for the fractional counts of word pairs.
const weight = (count: number, idf: number): number => (count > 0 ? Math.log1p(count) * idf : 0);

// The example store hands out the same object until its examples change, so the index is built once per set.
// Per run, scoring walks only the postings of the document's terms: a scan of every example's terms would
// take about half a second at 5,000 examples, on the event loop.
const indexes = new WeakMap<TrainingExamples, ExampleIndex>();

const indexOf = (examples: TrainingExamples): ExampleIndex => {
  const cached = indexes.get(examples);
  if (cached) return cached;
  // Idf over every example, weak ones included: they are documents of this classifier's stream all the same.
  const df = new Map<string, number>();
  for (const e of examples.items) for (const term in e.terms) df.set(term, (df.get(term) ?? 0) + 1);
  const n = examples.items.length;
  const idf = new Map<string, number>();
  for (const [term, d] of df) idf.set(term, Math.log((n + 1) / (d + 1)) + 1);
  const unseenIdf = Math.log(n + 1) + 1;

  const shown = examples.items.filter((e): e is ShowableExample => !e.weak && !!e.excerpt);
  const lists = new Map<string, { examples: number[]; weights: number[] }>();
  const rowLists: { examples: number[]; weights: number[] }[] = [];
  const rowWeights: number[] = [];
  for (const [i, e] of shown.entries()) {
    rowLists.length = 0;
    rowWeights.length = 0;
    let norm = 0;
    for (const term in e.terms) {
      const w = weight(e.terms[term] ?? 0, idf.get(term) ?? unseenIdf);
      if (w <= 0) continue;
      let list = lists.get(term);
      if (!list) {
        list = { examples: [], weights: [] };
        lists.set(term, list);
      }
      rowLists.push(list);
      rowWeights.push(w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [k, list] of rowLists.entries()) {
      list.examples.push(i);
      list.weights.push((rowWeights[k] ?? 0) / norm);
    }
  }
  const postings: ExampleIndex['postings'] = new Map();
  for (const [term, list] of lists) {
    postings.set(term, {
      examples: Int32Array.from(list.examples),
      weights: Float32Array.from(list.weights),
    });
  }
  const index = { shown, idf, unseenIdf, postings };
  indexes.set(examples, index);
  return index;
};

export interface SelectionInput {
  examples: TrainingExamples | null | undefined;
  classificationIds: readonly string[];
  /** The document's terms in the examples' format; called only when there is an example to compare. */
  documentTerms: () => Record<string, number>;
}

export const selectExamples = (
  input: SelectionInput,
  limits: SelectionLimits = DEFAULT_SELECTION_LIMITS,
): SelectedExample[] => {
  if (!input.examples || input.examples.items.length === 0) return [];
  const index = indexOf(input.examples);
  const allowed = new Set(input.classificationIds);
  if (!index.shown.some((e) => allowed.has(e.classificationId))) return [];
  const doc = input.documentTerms();
  const docWeights = new Map<string, number>();
  let docNorm = 0;
  for (const term in doc) {
    const w = weight(doc[term] ?? 0, index.idf.get(term) ?? index.unseenIdf);
    docWeights.set(term, w);
    docNorm += w * w;
  }
  docNorm = Math.sqrt(docNorm) || 1;
  const scores = new Float64Array(index.shown.length);
  for (const [term, w] of docWeights) {
    const p = index.postings.get(term);
    if (!p || w <= 0) continue;
    for (let k = 0; k < p.examples.length; k++) scores[p.examples[k]!]! += (w / docNorm) * p.weights[k]!;
  }
  // Rounded before comparing, so that equal documents tie exactly whatever their summing order.
  const rank = (similarity: number) => Math.round(similarity * 1e6);
  const ranked = index.shown
    .map((example, i) => ({ example, similarity: scores[i] ?? 0 }))
    .filter((c) => allowed.has(c.example.classificationId))
    .sort(
      (a, b) =>
        rank(b.similarity) - rank(a.similarity) ||
        (a.example.id < b.example.id ? -1 : a.example.id > b.example.id ? 1 : 0),
    );
  const perClass = new Map<string, number>();
  const out: SelectedExample[] = [];
  for (const { example, similarity } of ranked) {
    if (out.length >= limits.total) break;
    const used = perClass.get(example.classificationId) ?? 0;
    if (used >= limits.perClassification) continue;
    perClass.set(example.classificationId, used + 1);
    out.push({
      id: example.id,
      classificationId: example.classificationId,
      excerpt: example.excerpt,
      similarity,
    });
  }
  return out;
};
