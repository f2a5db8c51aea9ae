import type { RunUsage } from './serialize.js';

/**
 * Credits, documented in docs/usage.md: classification costs 1 credit per page classified;
 * parsing costs 1 credit per page and is billed only when a new parse run is made (a reused parse
 * is free), as Extend bills (spec §3.1 RunUsage).
 */
export const CLASSIFY_CREDITS_PER_PAGE = 1;
export const PARSE_CREDITS_PER_PAGE = 1;

export function parseUsage(parseRunId: string, pageCount: number): RunUsage {
  const credits = pageCount * PARSE_CREDITS_PER_PAGE;
  return {
    credits,
    totalCredits: credits,
    breakdown: [
      {
        object: 'parse_run',
        id: parseRunId,
        credits,
        charges: [{ product: 'parse', unit: 'page', quantity: pageCount, credits }],
      },
    ],
  };
}

/** `engine` names the engine that decided (e.g. `local-lexical@1`, `llm:llama3.1`), a documented extension. */
export function classifyUsage(
  runId: string,
  engine: string,
  pagesClassified: number[],
  newParse: { id: string; pageCount: number } | null,
): RunUsage {
  const credits = pagesClassified.length * CLASSIFY_CREDITS_PER_PAGE;
  const breakdown: NonNullable<RunUsage['breakdown']> = [
    {
      object: 'classify_run',
      id: runId,
      credits,
      engine,
      charges: [
        {
          product: 'classification',
          unit: 'page',
          quantity: pagesClassified.length,
          credits,
          pages: pagesClassified,
        },
      ],
    },
  ];
  let total = credits;
  if (newParse) {
    const p = parseUsage(newParse.id, newParse.pageCount).breakdown?.[0];
    if (p) {
      breakdown.push(p);
      total += p.credits;
    }
  }
  return { credits, totalCredits: total, breakdown };
}
