import { contentTermsOf, phraseKeyOf, wordsOf } from '../tokenizer.js';
import { DOCUMENT_KINDS } from './document-kinds.js';
import { type KnowledgeEntry, splitList } from './entry.js';
import { TOPICS } from './topics.js';

export type { KnowledgeEntry } from './entry.js';

/** A knowledge entry with its lists turned into the keys documents are counted by. */
export interface CompiledEntry {
  id: string;
  /** Unigram stems and phrase keys that call the entry up. */
  triggers: Set<string>;
  core: Set<string>;
  terms: Set<string>;
  cues: KnowledgeEntry['cues'];
}

/**
 * The key a list item is matched by: a stem for one content word, a phrase key for several words,
 * nothing for a lone stopword.
 */
export const keyOfItem = (item: string): string | null => {
  const words = wordsOf(item);
  if (words.length === 0) return null;
  if (words.length === 1) return contentTermsOf(item)[0] ?? null;
  return phraseKeyOf(item);
};

const keysOf = (list: string): Set<string> => {
  const keys = new Set<string>();
  for (const item of splitList(list)) {
    const key = keyOfItem(item);
    if (key !== null) keys.add(key);
  }
  return keys;
};

const compileEntry = (entry: KnowledgeEntry): CompiledEntry => {
  const core = keysOf(entry.core);
  const terms = keysOf(entry.terms);
  for (const key of core) terms.delete(key);
  return { id: entry.id, triggers: keysOf(entry.triggers), core, terms, cues: entry.cues };
};

let compiled: CompiledEntry[] | null = null;

/** Ids of the news-topic entries (business, sport, ...), as opposed to document kinds. */
export const TOPIC_IDS: ReadonlySet<string> = new Set(TOPICS.map((entry) => entry.id));

/** The built-in knowledge base, compiled on first use. */
export const knowledgeBase = (): readonly CompiledEntry[] => {
  compiled ??= [...DOCUMENT_KINDS, ...TOPICS].map(compileEntry);
  return compiled;
};
