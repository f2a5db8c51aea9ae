import type { DocumentFeatures, TermOccurrence } from './features.js';
import type { CompiledModel } from './model.js';
import type { TermSource } from './profile.js';

/**
 * BM25-style match of a document against every profile: each shared term adds weight x idf x a saturating
 * function of its count, so a word said twenty times is worth little more than one said three times. The sum
 * is normalised by the document's length and the profile's size so that scores compare across documents
 * (needed for the "other" threshold) and across classifications with short and long profiles, and by the
 * classification's evidence scale (model.ts), so that thinly described ones are not all "other".
 */

export interface Contribution {
  term: string;
  amount: number;
  /** The part of `amount` that every other classification does not get too: what sets this one apart. */
  distinctive: number;
  occurrence: TermOccurrence;
  source: TermSource;
}

export interface ClassScore {
  classIndex: number;
  /** Normalised evidence; "other" classifications get the baseline plus any words of their own. */
  score: number;
  /** Evidence for (positive amounts) and against (negative amounts, from negated rules), largest first. */
  contributions: Contribution[];
}

export interface ScoringParameters {
  /** BM25 k1: how fast repeated occurrences stop adding. */
  saturation: number;
  /** Exponent on the document's content-word count in the normaliser. */
  lengthExponent: number;
  /**
   * Words added to every document's count in the normaliser, so that one matching word in a ten-word text is
   * not as strong as ten in a hundred: short texts need more than a single word to leave "other".
   */
  lengthOffset: number;
  /** Exponent on the profile's total weight in the normaliser. */
  massExponent: number;
  /** The score an "other" classification starts from: documents that match nothing better go there. */
  otherBaseline: number;
  /**
   * Share of the evidence common to all classifications that still counts against "other". When every class
   * is "news about X", newsiness says nothing about which X, and little about whether X is one of them.
   */
  sharedEvidenceWeight: number;
}

const saturate = (count: number, k: number): number => (count * (k + 1)) / (count + k);

export const scoreDocument = (
  model: CompiledModel,
  features: DocumentFeatures,
  parameters: ScoringParameters,
): ClassScore[] => {
  const raw = model.profiles.map(() => 0);
  const contributions: Contribution[][] = model.profiles.map(() => []);
  let shared = 0;

  for (const [term, occurrence] of features.terms) {
    const idf = model.idf.get(term);
    if (idf === undefined) continue;
    const strength = idf * saturate(occurrence.count, parameters.saturation);
    const postings = model.postings.get(term) ?? [];
    // What every described classification gets from this term (0 unless all of them want it).
    let common = 0;
    if (model.describedCount >= 2) {
      let covered = 0;
      common = Number.POSITIVE_INFINITY;
      for (const posting of postings) {
        if (model.profiles[posting.classIndex]?.isOther) continue;
        covered++;
        common = Math.min(common, posting.weight * strength);
      }
      if (covered < model.describedCount) common = 0;
      shared += common;
    }
    for (const posting of postings) {
      const amount = posting.weight * strength;
      const isOther = model.profiles[posting.classIndex]?.isOther === true;
      raw[posting.classIndex] = (raw[posting.classIndex] ?? 0) + amount;
      contributions[posting.classIndex]?.push({
        term,
        amount,
        distinctive: isOther ? amount : amount - common,
        occurrence,
        source: posting.source,
      });
    }
    for (const posting of model.penalties.get(term) ?? []) {
      const amount = -posting.weight * strength;
      raw[posting.classIndex] = (raw[posting.classIndex] ?? 0) + amount;
      contributions[posting.classIndex]?.push({
        term,
        amount,
        distinctive: amount,
        occurrence,
        source: 'rule',
      });
    }
  }
  const discount = (1 - parameters.sharedEvidenceWeight) * shared;

  const lengthNorm = Math.max(1, features.wordCount + parameters.lengthOffset) ** parameters.lengthExponent;
  return model.profiles.map((profile, classIndex) => {
    const mass = Math.max(1, model.profileMass[classIndex] ?? 1);
    const own = profile.isOther ? (raw[classIndex] ?? 0) : (raw[classIndex] ?? 0) - discount;
    const evidence = own / (lengthNorm * mass ** parameters.massExponent);
    const list = contributions[classIndex] ?? [];
    list.sort((a, b) => Math.abs(b.distinctive) - Math.abs(a.distinctive) || (a.term < b.term ? -1 : 1));
    return {
      classIndex,
      score: profile.isOther
        ? parameters.otherBaseline + evidence
        : evidence / (model.evidenceScales[classIndex] ?? 1),
      contributions: list,
    };
  });
};
