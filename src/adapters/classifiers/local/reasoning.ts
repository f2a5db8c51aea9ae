import type { ClassProfile } from './profile.js';
import type { ClassScore, Contribution } from './scorer.js';

/**
 * One or two sentences a reviewer can check against the document: the words and layout cues that decided,
 * with their page, then the runner-up and the margin.
 */

export const MAX_REASONING_LENGTH = 480;
const MAX_EVIDENCE = 4;
const MAX_SAMPLE_LENGTH = 40;

export interface RankedClass {
  profile: ClassProfile;
  score: ClassScore;
  probability: number;
}

const where = (c: Contribution): string => {
  const page = c.occurrence.pageNumber === 0 ? 'file name' : `p.${c.occurrence.pageNumber}`;
  const notes = [page];
  if (c.source === 'rule') notes.push('rule');
  if (c.source === 'related') notes.push('related word');
  if (c.occurrence.fuzzy) notes.push('near match');
  return `(${notes.join(', ')})`;
};

const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

const describe = (c: Contribution, cueSamples: Map<string, string | null>): string => {
  if (c.term.startsWith('#')) {
    const sample = cueSamples.get(c.term);
    const shown = sample ? ` "${truncate(sample.replace(/\s+/g, ' '), MAX_SAMPLE_LENGTH)}"` : '';
    return `${c.occurrence.surface}${shown} ${where(c)}`;
  }
  return `"${c.occurrence.surface}" ${where(c)}`;
};

/**
 * The strongest distinct pieces of evidence: a word already shown inside a phrase or a cue's sample
 * ("dear" after salutation "Dear John:") is not repeated.
 */
const pickEvidence = (
  contributions: readonly Contribution[],
  positive: boolean,
  cueSamples: Map<string, string | null>,
): Contribution[] => {
  const picked: Contribution[] = [];
  const shownWords = new Set<string>();
  for (const c of contributions) {
    if (picked.length >= MAX_EVIDENCE) break;
    if (positive ? c.distinctive <= 0 : c.amount >= 0) continue;
    const isCue = c.term.startsWith('#');
    const words = isCue
      ? ((cueSamples.get(c.term) ?? '').toLowerCase().match(/[a-z0-9]+/g) ?? [])
      : c.occurrence.surface.split(' ');
    if (!isCue && words.every((w) => shownWords.has(w))) continue;
    picked.push(c);
    for (const w of words) shownWords.add(w);
  }
  return picked;
};

export const nameOf = (profile: ClassProfile, all: readonly ClassProfile[]): string => {
  const sameType = all.filter((p) => p.type === profile.type).length > 1;
  return sameType ? `"${profile.type}" (${profile.id})` : `"${profile.type}"`;
};

export const buildReasoning = (
  ranked: readonly RankedClass[],
  allProfiles: readonly ClassProfile[],
  cueSamples: Map<string, string | null>,
): string => {
  const [best, runnerUp] = ranked;
  if (best === undefined) return 'No classification was configured.';
  const list = (items: Contribution[]) => items.map((c) => describe(c, cueSamples)).join(', ');
  const parts: string[] = [];
  const head = `Chose ${nameOf(best.profile, allProfiles)} (confidence ${best.probability.toFixed(2)})`;

  if (best.profile.isOther) {
    const strongest = ranked.find(
      (r) => !r.profile.isOther && r.score.contributions.some((c) => c.amount > 0),
    );
    const own = pickEvidence(best.score.contributions, true, cueSamples);
    if (strongest === undefined) {
      parts.push(`${head}: no classification's words or layout cues were found`);
    } else {
      const evidence = pickEvidence(strongest.score.contributions, true, cueSamples);
      parts.push(
        `${head}: no classification matched strongly; the closest, ${nameOf(strongest.profile, allProfiles)}, ` +
          `had only ${list(evidence)}`,
      );
    }
    if (own.length > 0) parts.push(`its own description matched ${list(own)}`);
  } else {
    const evidence = pickEvidence(best.score.contributions, true, cueSamples);
    parts.push(evidence.length > 0 ? `${head}: matched ${list(evidence)}` : `${head}: no strong evidence`);
    const against = pickEvidence(best.score.contributions, false, cueSamples);
    if (against.length > 0) parts.push(`against it: ${list(against)}`);
  }

  let text = `${parts.join('; ')}.`;
  if (runnerUp !== undefined) {
    const margin = best.probability - runnerUp.probability;
    text += ` Runner-up ${nameOf(runnerUp.profile, allProfiles)} (${runnerUp.probability.toFixed(2)}), margin ${margin.toFixed(2)}.`;
  }
  if (text.length <= MAX_REASONING_LENGTH) return text;
  // Keep the runner-up sentence whole: it is what a reviewer compares against.
  const tail = text.slice(text.lastIndexOf(' Runner-up'));
  const headRoom = MAX_REASONING_LENGTH - tail.length;
  return headRoom > 40
    ? `${truncate(text.slice(0, text.length - tail.length), headRoom)}${tail}`
    : truncate(text, MAX_REASONING_LENGTH);
};

/** The part of the reasoning that comes from labelled examples: how alike the document is to each class's. */
export const learnedReasoning = (
  ranked: readonly RankedClass[],
  allProfiles: readonly ClassProfile[],
  learned: { total: number; weak: number; counts: readonly number[] },
  sims: readonly (number | null)[],
): string => {
  const indexOf = new Map(allProfiles.map((p, i) => [p.id, i]));
  const simOf = (r: RankedClass) => sims[indexOf.get(r.profile.id) ?? -1] ?? null;
  const described = ranked
    .filter((r) => simOf(r) !== null)
    .slice(0, 2)
    .map((r) => {
      const i = indexOf.get(r.profile.id) ?? 0;
      return `${nameOf(r.profile, allProfiles)} ${(simOf(r) ?? 0).toFixed(2)} (${learned.counts[i] ?? 0} examples)`;
    });
  const labelled = learned.total - learned.weak;
  const source =
    learned.weak > 0
      ? `${labelled} labelled documents and ${learned.weak} confidently classified ones`
      : `${labelled} labelled documents`;
  return `Learned from ${source}; similarity to them: ${described.join(', ')}.`;
};
