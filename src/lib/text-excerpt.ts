/** The start of a text, for showing a document briefly (stored examples, prompts). */

/** Whitespace runs (line breaks, indentation, tabs) collapsed to one space. */
export const collapseWhitespace = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * At most `maxChars` characters, cut at the last word boundary that fits. A first word longer than half the
 * room (a URL, a run of digits) is cut mid-word instead: dropping it would leave almost nothing.
 */
export const cutAtWord = (text: string, maxChars: number): string => {
  if (text.length <= maxChars) return text;
  if (maxChars <= 0) return '';
  const space = text.lastIndexOf(' ', maxChars);
  return (space > maxChars / 2 ? text.slice(0, space) : text.slice(0, maxChars)).trimEnd();
};
