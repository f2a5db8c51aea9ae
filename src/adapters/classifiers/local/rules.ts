import { contentTermsOf, phraseKeyOf, splitIdentifier, wordsOf } from './tokenizer.js';

/**
 * Reads the config's free-text `classificationRules`. A sentence that names a classification (by id or type)
 * lends that classification its other words: "Documents that mention a PO number are purchase orders" makes
 * "po number" evidence for purchase_order. A classification named right after a negation ("not", "never",
 * "rather than") gets the words as counter-evidence instead.
 */

export interface RuleEvidence {
  /** Index of the classification in the config. */
  classIndex: number;
  /** Unigram terms and phrase keys taken from the sentence. */
  terms: string[];
  negative: boolean;
  sentence: string;
}

interface NamedClass {
  id: string;
  type: string;
}

const NEGATIONS = new Set([
  'not',
  'never',
  'no',
  'nor',
  'except',
  'exclude',
  'excluding',
  'instead',
  'rather',
]);
const NEGATION_WINDOW = 4;

/** Words of a rule that speak about classifying, not about the documents. */
const RULE_FILLER = new Set(
  contentTermsOf(`classify classified classification classifications categorize categorise label labelled labeled
    mark marked treat treated assign assigned put route routed count counted consider considered always never
    document documents file files page pages any anything contain contains containing mention mentions mentioned
    mentioning include includes including have has having if when whenever go goes even though type category
    class should must rather instead except unless otherwise`),
);

const QUOTED = /["“”'‘’]([^"“”'‘’\n]{2,60})["“”'‘’]/g;

const sentencesOf = (rules: string): string[] =>
  rules
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** The word sequences (phrase keys split into words) by which a classification can be named. */
const namesOf = (cls: NamedClass): string[][] => {
  const names = new Set<string>();
  for (const raw of [cls.id, cls.type]) {
    const key = phraseKeyOf(splitIdentifier(raw));
    if (key.length > 0) names.add(key);
  }
  return [...names].map((name) => name.split(' '));
};

const findMentions = (sentenceKeys: string[], name: string[]): number[] => {
  const positions: number[] = [];
  for (let i = 0; i + name.length <= sentenceKeys.length; i++) {
    if (name.every((word, j) => sentenceKeys[i + j] === word)) positions.push(i);
  }
  return positions;
};

export const parseRules = (
  rules: string | null | undefined,
  classes: readonly NamedClass[],
): RuleEvidence[] => {
  if (rules === null || rules === undefined || rules.trim().length === 0) return [];
  const names = classes.map(namesOf);
  const evidence: RuleEvidence[] = [];

  for (const sentence of sentencesOf(rules)) {
    const words = wordsOf(sentence);
    const keys = phraseKeyOf(sentence).split(' ');
    const mentions: { classIndex: number; position: number; length: number }[] = [];
    names.forEach((classNames, classIndex) => {
      for (const name of classNames) {
        for (const position of findMentions(keys, name))
          mentions.push({ classIndex, position, length: name.length });
      }
    });
    if (mentions.length === 0) continue;

    // The sentence's own words, minus the names of classifications and the vocabulary of rule-writing.
    const named = new Set<number>();
    for (const m of mentions) for (let i = m.position; i < m.position + m.length; i++) named.add(i);
    const content: string[] = [];
    const unigramKeys = new Set(contentTermsOf(sentence));
    keys.forEach((key, i) => {
      if (!named.has(i) && unigramKeys.has(key) && !RULE_FILLER.has(key)) content.push(key);
    });
    const terms = new Set(content);
    for (let i = 0; i + 1 < keys.length; i++) {
      const a = keys[i] ?? '';
      const b = keys[i + 1] ?? '';
      if (named.has(i) || named.has(i + 1)) continue;
      if (unigramKeys.has(a) && unigramKeys.has(b) && !RULE_FILLER.has(a) && !RULE_FILLER.has(b)) {
        terms.add(`${a} ${b}`);
      }
    }
    for (const match of sentence.matchAll(QUOTED)) {
      const key = phraseKeyOf(match[1] ?? '');
      if (key.length > 0) terms.add(key);
    }
    if (terms.size === 0) continue;

    const byClass = new Map<number, boolean>();
    for (const m of mentions) {
      const before = words.slice(Math.max(0, m.position - NEGATION_WINDOW), m.position);
      const negative = before.some((w) => NEGATIONS.has(w));
      // A class named both plainly and after a negation in one sentence keeps the plain reading.
      byClass.set(m.classIndex, (byClass.get(m.classIndex) ?? true) && negative);
    }
    for (const [classIndex, negative] of byClass) {
      evidence.push({ classIndex, terms: [...terms], negative, sentence });
    }
  }
  return evidence;
};
