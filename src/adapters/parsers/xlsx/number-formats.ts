/**
 * What a cell's number format says about how Excel shows its number, as far as text extraction cares:
 * a date or time (rendered in ISO 8601), a percentage (the number times 100, with `%`), or a plain number.
 * The rest of a format (decimals, thousands separators, currency) is presentation and is not applied.
 */

export type NumberKind = 'number' | 'date' | 'percent';

/** Built-in formats (ECMA-376 §18.8.30) that are dates or times; 27-36 and 50-58 are the East Asian ones. */
const BUILT_IN_DATES = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47,
]);
for (let id = 50; id <= 58; id++) BUILT_IN_DATES.add(id);
const BUILT_IN_PERCENTS = new Set([9, 10]);

export function builtInKind(id: number): NumberKind {
  if (BUILT_IN_DATES.has(id)) return 'date';
  return BUILT_IN_PERCENTS.has(id) ? 'percent' : 'number';
}

/**
 * A custom format code is a date when a date or time code (y, m, d, h, s, b for the Buddhist year, or an
 * elapsed [h], [m], [s]) appears outside quoted text, [colours and locales], and the characters that
 * `\`, `_` and `*` make literal; a percentage when `%` does.
 */
export function formatKind(code: string): NumberKind {
  const codes = code.replace(/\[(h+|m+|s+)\]/gi, '$1').replace(/"[^"]*"|\[[^\]]*\]|[\\_*]./g, '');
  if (/[ymdhsb]/i.test(codes)) return 'date';
  return codes.includes('%') ? 'percent' : 'number';
}
