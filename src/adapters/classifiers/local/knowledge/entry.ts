import type { CueId } from '../cue-definitions.js';

/**
 * One thing the engine knows about without being told: a kind of business document or a topic. A
 * classification calls an entry up when its type or description uses one of the entry's triggers (or
 * several of its terms); the entry then lends the classification its vocabulary and layout cues.
 * Lists are comma-separated; an item of several words is a phrase and matches only as a phrase.
 */
export interface KnowledgeEntry {
  id: string;
  /** Words and phrases in a classification's type or description that call this entry up. */
  triggers: string;
  /** Words and phrases that nearly name the kind ("invoice number", "memorandum"): weighted high. */
  core: string;
  /** Tell-tale vocabulary: words that are common in such documents and rare elsewhere. */
  terms: string;
  /** Layout cues and how much each one says (1 = as much as a core word). */
  cues?: Partial<Record<CueId, number>>;
}

export const splitList = (list: string): string[] =>
  list
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
