/**
 * The layout and format cues, found by regular expressions over the raw page text: e-mail headers, letter
 * salutations, form blanks, money totals. Each becomes a pseudo-term ("#cue:salutation") that profiles can
 * weight like a word, with the page and the matched text kept as evidence.
 */

export type CueId =
  | 'header-block'
  | 'email-header'
  | 'email-address'
  | 'memo-heading'
  | 'salutation'
  | 'complimentary-close'
  | 'cc-line'
  | 'enclosure'
  | 'street-address'
  | 'money-amounts'
  | 'total-line'
  | 'line-items'
  | 'fill-in-blanks'
  | 'checkboxes'
  | 'empty-labels'
  | 'labelled-fields'
  | 'fragmented-layout'
  | 'resume-sections'
  | 'year-ranges'
  | 'paper-sections'
  | 'citations'
  | 'measurements'
  | 'report-sections'
  | 'byline'
  | 'masthead'
  | 'reported-speech'
  | 'exclamations'
  | 'toll-free'
  | 'short-text'
  | 'signature-line'
  | 'tax-form-number';

export interface CueDefinition {
  id: CueId;
  /** How the reasoning names it. */
  label: string;
  /** Occurrences needed on one page before the cue counts. */
  minCount: number;
  /**
   * Where it sits says what the document is: a "MEMORANDUM" or To:/From: block heading the first page
   * makes a memo, the same words further down may be a quoted one. Found within the first lines of the
   * first page, the cue counts this much more.
   */
  headingBonus?: number;
  find: (text: string) => { count: number; sample: string | null };
}

export interface CueHit {
  id: CueId;
  label: string;
  count: number;
  pageNumber: number;
  sample: string | null;
}

export const cueTerm = (id: CueId): string => `#cue:${id}`;

const countMatches = (pattern: RegExp) => (text: string) => {
  let count = 0;
  let sample: string | null = null;
  for (const match of text.matchAll(pattern)) {
    count++;
    if (sample === null) sample = match[0].trim();
  }
  return { count, sample };
};

/** Counts the distinct labels found (so "To:" twice is one), keeping the first match as sample. */
const countDistinct = (pattern: RegExp) => (text: string) => {
  const seen = new Set<string>();
  let sample: string | null = null;
  for (const match of text.matchAll(pattern)) {
    seen.add((match[1] ?? match[0]).toLowerCase());
    if (sample === null) sample = match[0].trim();
  }
  return { count: seen.size, sample };
};

// Case matters here: a masthead is a line in capitals.
const MASTHEAD_NAME =
  /^[^a-z\n]{0,40}\b(?:TIMES|HERALD|POST|JOURNAL|TRIBUNE|GAZETTE|CHRONICLE|NEWS|COURIER|INQUIRER|EXAMINER|OBSERVER|REGISTER|BULLETIN|GLOBE|DISPATCH|TELEGRAPH|LEDGER|ENQUIRER|STAR|SUN|AGE|WEEK|DAILY|MAGAZINE)\b[^a-z\n]{0,40}$/gm;
const PRICED_LINE_END = /\s\$?\d[\d,]*\.\d{2}\s*$/;
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*';
// Not after a label: "Sent: Wednesday, March 31, 1999" is an e-mail header, not a newspaper's dateline.
const FULL_DATELINE = new RegExp(
  `^[^:\\n]{0,40}?\\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\\s+${MONTH}\\.?\\s+\\d{1,2},?\\s+(?:19|20)\\d{2}\\b`,
  'gim',
);

export const CUE_DEFINITIONS: readonly CueDefinition[] = [
  {
    id: 'header-block',
    label: 'To:/From:/Subject: header lines',
    minCount: 2,
    headingBonus: 2,
    find: countDistinct(/^[\s"'“”‘’.,:;*]{0,3}(from|to|subject|subj|date|cc|re)\s*[:;.]/gim),
  },
  {
    id: 'email-header',
    label: 'e-mail header',
    minCount: 1,
    find: countMatches(
      new RegExp(
        `^\\s*(?:sent\\s*:.*|from\\s*:.*\\b(?:\\d{1,2}:\\d{2}|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\\s+${MONTH}).*|-{2,}\\s*(?:original|forwarded) message.*|subject\\s*:\\s*(?:re|fw|fwd)\\s*:.*)$`,
        'gim',
      ),
    ),
  },
  {
    id: 'email-address',
    label: 'e-mail address',
    minCount: 1,
    find: countMatches(/\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}\b/g),
  },
  {
    id: 'memo-heading',
    label: 'MEMORANDUM heading',
    minCount: 1,
    headingBonus: 2,
    find: countMatches(/\b(?:memorandum|memo|inter-?office\s+(?:memo|correspondence|communication))\b/gi),
  },
  {
    id: 'salutation',
    label: 'salutation',
    minCount: 1,
    find: countMatches(/^\s*(?:dear|hello|hi)\s+[a-z][^\n]{0,30}/gim),
  },
  {
    id: 'complimentary-close',
    label: 'letter closing',
    minCount: 1,
    find: countMatches(
      /\b(?:sincerely(?: yours)?|(?:very )?truly yours|yours (?:truly|faithfully|sincerely)|(?:best|kind|warm|warmest) regards|respectfully(?: yours| submitted)?|cordially)\b/gi,
    ),
  },
  {
    id: 'cc-line',
    label: 'cc: line',
    minCount: 1,
    find: countMatches(/^\s*(?:cc|c\.c\.|bcc|copies? to|copy to|distribution)\s*[:;.]/gim),
  },
  {
    id: 'enclosure',
    label: 'enclosure note',
    minCount: 1,
    find: countMatches(
      /^\s*(?:enclosures?|encl?\.|attachments?)\b|\b(?:enclosed (?:is|are|please find)|i am enclosing)\b/gim,
    ),
  },
  {
    id: 'street-address',
    label: 'postal address',
    minCount: 1,
    find: countMatches(
      /\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St\.|Avenue|Ave\.?|Road|Rd\.|Boulevard|Blvd\.?|Drive|Dr\.|Lane|Suite|Plaza|Parkway)\b|\b[A-Z][a-z]+,\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\b/g,
    ),
  },
  {
    id: 'money-amounts',
    label: 'money amounts',
    minCount: 3,
    find: countMatches(/(?:[$€£¥]\s?\d[\d,]*(?:\.\d{2})?|\b\d{1,3}(?:,\d{3})*\.\d{2}\b)/g),
  },
  {
    id: 'total-line',
    label: 'total line',
    minCount: 1,
    find: countMatches(
      /^[^\n]{0,30}\b(?:sub-?total|grand total|total(?: amount)?(?: due)?|amount due|balance due|amount payable|total payable)\b[^\n]{0,30}\d[\d,]*\.\d{2}/gim,
    ),
  },
  {
    id: 'line-items',
    label: 'priced line items',
    minCount: 2,
    find: (text) => {
      // Line by line: one regex over the whole page backtracks quadratically on long lines.
      let count = 0;
      let sample: string | null = null;
      for (const line of text.split('\n')) {
        if (line.length > 200 || !PRICED_LINE_END.test(line) || !/[a-z]/i.test(line)) continue;
        count++;
        sample ??= line.trim();
      }
      return { count, sample };
    },
  },
  {
    id: 'fill-in-blanks',
    label: 'blanks to fill in (____)',
    minCount: 3,
    find: countMatches(/_{3,}|\.{6,}|\[\s{0,2}\]|[☐□]/g),
  },
  {
    id: 'checkboxes',
    label: 'check boxes',
    minCount: 2,
    find: countMatches(/\[\s?[xX✓✔]?\s?\]|[☐☑☒□■]|\(\s?[xX✓✔]?\s?\)(?=\s*[A-Za-z])/g),
  },
  {
    id: 'empty-labels',
    label: 'labelled fields ("Name:")',
    minCount: 4,
    find: countMatches(/^[ \t]*(?:\d{1,2}[.)][ \t]*)?[A-Za-z][A-Za-z #'/()&.-]{1,38}:[ \t_]*$/gm),
  },
  {
    id: 'labelled-fields',
    label: 'many "Label:" fields',
    minCount: 4,
    find: countDistinct(
      // A lookbehind, not a consumed run of spaces: "\s{2,}\s*" backtracks quadratically on long blank runs.
      /(?<=^|\s\s|\|)(?!(?:to|from|subject|date|cc|re)\s*:)([A-Z][A-Za-z#&/().' -]{1,28}):(?=\s|$)/gm,
    ),
  },
  {
    id: 'resume-sections',
    label: 'résumé sections (Education, Experience)',
    minCount: 2,
    find: countDistinct(
      /^\s*(education|(?:professional |work |employment )?experience|employment(?: history)?|work history|skills|qualifications|objective|career (?:summary|history)|references|publications|professional (?:societies|memberships|affiliations)|honors|awards|date of birth|birth ?date|place of birth|nationality|citizenship|marital status|degrees?|personal (?:data|details|information))\b/gim,
    ),
  },
  {
    id: 'year-ranges',
    label: 'date ranges (1975-1980)',
    minCount: 2,
    find: countMatches(/\b(?:19|20)\d{2}\s*(?:-|–|—|to)\s*(?:(?:19|20)?\d{2}|present|date|now)\b/gi),
  },
  {
    id: 'paper-sections',
    label: 'paper sections (Abstract, Methods, Results)',
    minCount: 2,
    find: countDistinct(
      /^\s*(?:\d{1,2}\.?\s*)?(abstract|introduction|(?:materials and )?methods|methodology|experimental|results|discussion|conclusions?|references|acknowledge?ments?|literature cited|bibliography)\b/gim,
    ),
  },
  {
    id: 'citations',
    label: 'citations (et al., Fig. 1)',
    minCount: 2,
    find: countMatches(
      /\bet al\b|\[\d{1,3}(?:[,–-]\s*\d{1,3})*\]|\((?:[A-Z][a-z]+,? )+(?:19|20)\d{2}\)|\bfig(?:ure)?\.?\s*\d|\btable\s+[1-9IVX]\b/g,
    ),
  },
  {
    id: 'measurements',
    label: 'measurements (mg, ml, %)',
    minCount: 3,
    find: countMatches(
      /\b\d+(?:\.\d+)?\s?(?:mg|ml|µg|ug|mm|cm|kg|nm|ppm|mol|mmol|μm|°c|g\/l|mg\/kg|%)(?![a-z])/gi,
    ),
  },
  {
    id: 'report-sections',
    label: 'report sections (Summary, Conclusions)',
    minCount: 2,
    find: countDistinct(
      /^\s*(?:[IVX\d]{1,4}[.)]?\s*)?(summary|executive summary|introduction|background|purpose|objectives?|scope|findings|conclusions?|recommendations?|table of contents|appendix|results|discussion)\b/gim,
    ),
  },
  {
    id: 'byline',
    label: 'byline or dateline',
    minCount: 1,
    find: countMatches(
      /^\s*by\s+[A-Z][\w.'’]+(?:\s+[A-Z][\w.'’]+){0,3}\s*,?\s*$|^\s*[A-Z][A-Z .]{2,30},?\s+(?:\([A-Z]{2,}\)\s*)?[-—–]\s|\((?:AP|UPI|Reuters|AFP)\)|\b(?:staff writer|correspondent|special to the)\b/gm,
    ),
  },
  {
    id: 'masthead',
    label: 'newspaper masthead or dateline',
    minCount: 1,
    headingBonus: 1,
    // A paper's name in capitals ("DURHAM MORNING HERALD", "THE WALL STREET JOURNAL") or a full dateline
    // with the weekday ("WEDNESDAY, MARCH 31, 1982"), as clippings carry them.
    find: (text) => {
      const names = countMatches(MASTHEAD_NAME)(text);
      const dates = countMatches(FULL_DATELINE)(text);
      return { count: names.count + dates.count, sample: names.sample ?? dates.sample };
    },
  },
  {
    id: 'reported-speech',
    label: 'reported speech ("said")',
    minCount: 3,
    find: countMatches(/\b(?:said|says|told reporters|according to|added that|stated that)\b/gi),
  },
  {
    id: 'exclamations',
    label: 'exclamation marks',
    minCount: 2,
    find: countMatches(/[a-zA-Z]{2,}\s?!/g),
  },
  {
    id: 'toll-free',
    label: 'toll-free number or call to action',
    minCount: 1,
    find: countMatches(
      /\b1[-\s.]?8(?:00|88|77|66)[-\s.]\d{3}|\b(?:call now|call today|order now|buy now|visit us|limited time|while supplies last)\b/gi,
    ),
  },
  {
    id: 'signature-line',
    label: 'signature line',
    minCount: 1,
    find: countMatches(/^\s*(?:signed|signature|sign here|authorized signature|approved by)\b/gim),
  },
  {
    id: 'tax-form-number',
    label: 'tax form number',
    minCount: 1,
    find: countMatches(
      /\b(?:form\s+(?:1040|1099|1120|941|w-?[249]|p60|p45|sa100)|schedule\s+[a-e]\b|(?:ein|ssn|tin)\s*[:#])/gi,
    ),
  },
];
