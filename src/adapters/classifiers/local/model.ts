import type { ClassificationDefinition } from '../../../ports/classifier.js';
import { buildFuzzyIndex, type FuzzyIndex } from './fuzzy-match.js';
import { type CompiledEntry, knowledgeBase } from './knowledge/index.js';
import { buildProfiles, type ClassProfile, type TermSource } from './profile.js';

/**
 * Profiles compiled for scoring one config: an inverted index from term to the classifications that want
 * it, with an inverse document frequency computed across the classifications themselves, so that a word
 * every classification uses (e.g. "news" when all classes are news) decides nothing.
 */

export interface Posting {
  classIndex: number;
  weight: number;
  source: TermSource;
}

export interface CompiledModel {
  profiles: ClassProfile[];
  /** How many classifications are not of type "other". */
  describedCount: number;
  /** term -> classifications that look for it (positive) */
  postings: Map<string, Posting[]>;
  /** term -> classifications that count it against themselves (negated rules) */
  penalties: Map<string, Posting[]>;
  idf: Map<string, number>;
  /** Phrase keys to look for in documents, and the longest phrase's word count. */
  phrases: Set<string>;
  longestPhrase: number;
  /** Sum of weight x idf over each profile: how much a classification could possibly match. */
  profileMass: number[];
  /**
   * Each classification's evidence is divided by its scale (at most 1): how much a thinly described
   * classification could match, relative to one the knowledge base backs (see REFERENCE_MASS).
   */
  evidenceScales: number[];
  fuzzy: FuzzyIndex;
}

/**
 * A document matches more of a profile the knowledge base backs (a document kind or a topic: a hundred terms
 * or more, or strong layout cues) than of one built from a short description alone, so without a correction
 * the same evidence threshold sends most documents of thinly described classifications to "other", and their
 * confidences come out too timid. The evidence of a classification without distinctive knowledge (at least
 * KNOWLEDGE_BACKED_MASS of it that the other classifications do not share) is divided by
 * (its distinctive mass / REFERENCE_MASS) ^ EXPONENT, at most 1; WordNet relatives add many terms but few
 * matches, so they count for RELATED_MASS_SHARE. Chosen on BBC News with the topic knowledge left out (47% ->
 * 77% with the WordNet relatives, ECE 0.141 -> 0.051, 81% of a removed class's documents still going to
 * "other"; a larger reference gains accuracy but sends fewer of them to "other"); configs the knowledge base
 * backs are unchanged (`bench/classifier-accuracy.ts`).
 */
const REFERENCE_MASS = 100;
const EVIDENCE_SCALE_EXPONENT = 1.5;
const RELATED_MASS_SHARE = 0.25;
const KNOWLEDGE_BACKED_MASS = 10;
const MIN_EVIDENCE_SCALE = 0.05;

/** A weight that counts as full presence when computing idf. */
const PRESENCE_WEIGHT = 1.5;

export interface CompileOptions {
  /** The knowledge base to draw on (default: all of it; the benchmark leaves parts out). */
  knowledge?: readonly CompiledEntry[];
}

export const compileModel = (
  classifications: readonly ClassificationDefinition[],
  rules: string | null | undefined,
  options: CompileOptions = {},
): CompiledModel => {
  const profiles = buildProfiles(classifications, rules, options.knowledge ?? knowledgeBase());
  const postings = new Map<string, Posting[]>();
  const penalties = new Map<string, Posting[]>();
  const presence = new Map<string, number>();

  profiles.forEach((profile, classIndex) => {
    for (const [term, { weight, source }] of profile.terms) {
      const list = postings.get(term) ?? [];
      list.push({ classIndex, weight, source });
      postings.set(term, list);
      presence.set(term, (presence.get(term) ?? 0) + Math.min(1, weight / PRESENCE_WEIGHT));
    }
    for (const [term, weight] of profile.penalties) {
      const list = penalties.get(term) ?? [];
      list.push({ classIndex, weight, source: 'rule' });
      penalties.set(term, list);
    }
  });

  // One more "class" than there are, standing for everything the config does not describe, so that a term
  // only one classification uses still has weight when there is a single classification.
  const classCount = profiles.length + 1;
  const idf = new Map<string, number>();
  for (const term of new Set([...postings.keys(), ...penalties.keys()])) {
    const n = presence.get(term) ?? 0;
    idf.set(term, Math.log(1 + (classCount - n + 0.5) / (n + 0.5)));
  }

  const phrases = new Set<string>();
  let longestPhrase = 1;
  for (const term of idf.keys()) {
    if (term.startsWith('#') || !term.includes(' ')) continue;
    phrases.add(term);
    longestPhrase = Math.max(longestPhrase, term.split(' ').length);
  }

  const profileMass = profiles.map(() => 0);
  for (const [term, list] of postings) {
    for (const posting of list) {
      profileMass[posting.classIndex] =
        (profileMass[posting.classIndex] ?? 0) + posting.weight * (idf.get(term) ?? 0);
    }
  }

  // The distinctive mass: what every described classification wants sets none apart (the scorer discounts it).
  const ownMass = profiles.map(() => 0);
  const knowledgeMass = profiles.map(() => 0);
  const described = profiles.filter((p) => !p.isOther).length;
  for (const [term, list] of postings) {
    const mine = list.filter((posting) => !profiles[posting.classIndex]?.isOther);
    const common = described >= 2 && mine.length === described ? Math.min(...mine.map((p) => p.weight)) : 0;
    for (const posting of list) {
      const distinctive = (posting.weight - common) * (idf.get(term) ?? 0);
      const share = posting.source === 'related' ? RELATED_MASS_SHARE : 1;
      ownMass[posting.classIndex] = (ownMass[posting.classIndex] ?? 0) + share * distinctive;
      if (posting.source === 'knowledge')
        knowledgeMass[posting.classIndex] = (knowledgeMass[posting.classIndex] ?? 0) + distinctive;
    }
  }
  const evidenceScales = profiles.map((profile, i) =>
    profile.isOther || (knowledgeMass[i] ?? 0) >= KNOWLEDGE_BACKED_MASS
      ? 1
      : Math.max(MIN_EVIDENCE_SCALE, Math.min(1, (ownMass[i] ?? 0) / REFERENCE_MASS)) **
        EVIDENCE_SCALE_EXPONENT,
  );

  const unigrams = [...postings.keys()].filter((term) => !term.startsWith('#') && !term.includes(' '));
  const describedCount = profiles.filter((p) => !p.isOther).length;
  return {
    profiles,
    describedCount,
    postings,
    penalties,
    idf,
    phrases,
    longestPhrase,
    profileMass,
    evidenceScales,
    fuzzy: buildFuzzyIndex(unigrams),
  };
};
