import type { ClassificationDefinition } from '../../../ports/classifier.js';
import { buildFuzzyIndex, type FuzzyIndex } from './fuzzy-match.js';
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
  fuzzy: FuzzyIndex;
}

/** A weight that counts as full presence when computing idf. */
const PRESENCE_WEIGHT = 1.5;

export const compileModel = (
  classifications: readonly ClassificationDefinition[],
  rules: string | null | undefined,
): CompiledModel => {
  const profiles = buildProfiles(classifications, rules);
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
    fuzzy: buildFuzzyIndex(unigrams),
  };
};
