/**
 * PDF text extraction, Docsort beside poppler's `pdftotext`, measured in the same run on the same file.
 *
 *   npx tsx bench/pdf-text.ts                 parse-corpus/pdf/DA-619p.pdf, 2 rounds
 *   npx tsx bench/pdf-text.ts --rounds 3      more rounds; each row reports its best
 *   npx tsx bench/pdf-text.ts --file x.pdf    another PDF
 *   npx tsx bench/pdf-text.ts --entry dist/adapters/parsers/isolation/parser-child.js
 *                                             parser processes running that script (a build) instead of
 *                                             the sources through tsx; repeat --entry to compare builds
 *
 * Docsort parses as the server does, in isolated parser processes: one file in one process; one file split
 * by pages over two processes (what an idle server does with a long PDF); two files at once in two
 * processes (both cores busy, the issue's yardstick). `pdftotext` (Debian's poppler-utils) reads one file,
 * then two at once. Each round measures every row once, alternating Docsort and pdftotext, so noise from
 * other work on the machine lands on both alike; the best round of each row is reported with the others
 * beside it. Parser processes are started and warmed with a one-page PDF first, which loads pdf.js: a
 * server starts its processes once, not per file.
 *
 * Wall-clock pages per second suffer from whatever else runs on the machine; pages per CPU second (the CPU
 * time of the processes doing the work, from /proc) do not, and with every core busy throughput is the
 * cores times that. Peak memory is the high-water resident set (VmHWM) of the processes doing the work,
 * added up when several work at once: the parser processes (at the end of the run), and each pdftotext.
 * Last, issue 4's yardstick: both cores busy, beside pdftotext. Prints figures only; never part of the test
 * suite, never fails on the figures.
 */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createIsolatedParser } from '../src/adapters/parsers/isolation/isolated-parser.js';
import type { DocumentParser, ParseLimits } from '../src/ports/parser.js';
import {
  childPids,
  cpuSeconds,
  exitedChildrenCpuSeconds,
  highWaterMb,
  onPath,
  runMeasured,
} from './measure.js';

const CORPUS = fileURLToPath(new URL('../../shared/data/parse-corpus/pdf/', import.meta.url));
const LIMITS: ParseLimits = { maxPages: 5000, timeoutMs: 600_000 };

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const file = option('--file') ?? path.join(CORPUS, 'DA-619p.pdf');
const rounds = Math.max(1, Number(option('--rounds') ?? 2));
const entries = args.flatMap((arg, i) => (arg === '--entry' && args[i + 1] ? [args[i + 1]!] : []));

/** One row of the table: a way of reading the file, measured once per round. */
interface Row {
  label: string;
  /** Files read at once in one measurement. */
  files: number;
  /** Reads them; resolves to the peak memory of what did the work, MB (0: known only at the end). */
  measure(): Promise<number>;
  /** CPU seconds used so far by what does the work. */
  cpu(): number;
  /** The parser processes behind the row, for their high-water memory at the end. */
  pids?: number[];
  /** The pdftotext row to compare with. */
  versus?: string;
  pagesPerSecond: number[];
  pagesPerCpuSecond: number[];
  peakMb: number;
}

await main();

async function main(): Promise<void> {
  const bytes = readFileSync(file);
  const pages = await pageCount(bytes);
  const pdftotext = onPath('pdftotext');
  console.log(
    `${path.basename(file)}: ${pages} pages, ${(bytes.length / 1024 / 1024).toFixed(1)} MB; ${availableParallelism()} cores; ` +
      `load average ${loadavg()[0]?.toFixed(1)}; pdftotext ${pdftotext ? 'installed' : 'not installed (apt-get install poppler-utils)'}`,
  );
  const parsers: DocumentParser[] = [];
  const rows: Row[] = [];
  try {
    for (const [i, entry] of (entries.length > 0 ? entries : [null]).entries()) {
      const tag = entry ? ` [${i + 1}]` : '';
      if (entry) console.log(`[${i + 1}] parser processes run ${entry}`);
      const url = entry ? pathToFileURL(path.resolve(entry)) : undefined;
      const pool = async (processes: number, splitPdfMinBytes?: number) => {
        const parser = createIsolatedParser({
          processes,
          ...(url ? { entry: url } : {}),
          ...(splitPdfMinBytes === undefined ? {} : { splitPdfMinBytes }),
        });
        parsers.push(parser);
        const before = new Set(childPids());
        await warm(parser, processes);
        return { parser, pids: childPids().filter((pid) => !before.has(pid)) };
      };
      const one = await pool(1);
      const split = await pool(2);
      // Two files at once would split too (the first takes both processes, the second waits): not this row.
      const two = await pool(2, 0);
      rows.push(
        docsortRow(`Docsort, one file, one process${tag}`, one, bytes, 1, 'pdftotext, one file'),
        docsortRow(
          `Docsort, one file split over two processes${tag}`,
          split,
          bytes,
          1,
          'pdftotext, one file',
        ),
        docsortRow(
          `Docsort, two files at once, two processes${tag}`,
          two,
          bytes,
          2,
          'pdftotext, two files at once',
        ),
      );
    }
    if (pdftotext)
      rows.push(pdftotextRow('pdftotext, one file', 1), pdftotextRow('pdftotext, two files at once', 2));

    for (let round = 1; round <= rounds; round++) {
      process.stdout.write(`round ${round}/${rounds}...`);
      // Docsort rows and pdftotext rows alternate.
      const order = interleave(
        rows.filter((row) => !row.label.startsWith('pdftotext')),
        rows.filter((row) => row.label.startsWith('pdftotext')),
      );
      for (const row of order) {
        const started = performance.now();
        const cpuBefore = row.cpu();
        const peak = await row.measure();
        const seconds = (performance.now() - started) / 1000;
        row.pagesPerSecond.push((pages * row.files) / seconds);
        row.pagesPerCpuSecond.push((pages * row.files) / Math.max(0.01, row.cpu() - cpuBefore));
        row.peakMb = Math.max(row.peakMb, peak);
      }
      process.stdout.write(` load average ${loadavg()[0]?.toFixed(1)}\n`);
    }
    for (const row of rows) {
      if (row.pids) row.peakMb = row.pids.reduce((total, pid) => total + highWaterMb(pid), 0);
    }
  } finally {
    await Promise.all(parsers.map((parser) => parser.close?.()));
  }
  report(rows);
}

function docsortRow(
  label: string,
  pool: { parser: DocumentParser; pids: number[] },
  bytes: Uint8Array,
  files: number,
  versus: string,
): Row {
  return {
    label,
    files,
    versus,
    pids: pool.pids,
    pagesPerSecond: [],
    pagesPerCpuSecond: [],
    peakMb: 0,
    cpu: () => pool.pids.reduce((total, pid) => total + cpuSeconds(pid), 0),
    async measure() {
      await Promise.all(
        Array.from({ length: files }, () =>
          pool.parser.parse({ bytes, fileName: path.basename(file), limits: LIMITS }),
        ),
      );
      return 0;
    },
  };
}

function pdftotextRow(label: string, files: number): Row {
  return {
    label,
    files,
    pagesPerSecond: [],
    pagesPerCpuSecond: [],
    peakMb: 0,
    // Only pdftotext processes exit (and are waited for) while this row runs.
    cpu: exitedChildrenCpuSeconds,
    async measure() {
      const runs = await Promise.all(
        Array.from({ length: files }, () => runMeasured('pdftotext', [file, '-'], process.env)),
      );
      return runs.reduce((total, run) => total + run.peakMb, 0);
    },
  };
}

/** Every process of the pool started, and pdf.js loaded in each. */
async function warm(parser: DocumentParser, processes: number): Promise<void> {
  const small = readFileSync(path.join(CORPUS, 'DA-1p.pdf'));
  await Promise.all(
    Array.from({ length: processes }, () =>
      parser.parse({ bytes: small, fileName: 'warm.pdf', limits: LIMITS }),
    ),
  );
}

async function pageCount(bytes: Uint8Array): Promise<number> {
  if (onPath('pdfinfo')) {
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    return Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0);
  }
  const parser = createIsolatedParser({ processes: 1 });
  try {
    return (await parser.parse({ bytes, fileName: path.basename(file), limits: LIMITS })).pages.length;
  } finally {
    await parser.close?.();
  }
}

function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [first, second] = [a[i], b[i]];
    if (first !== undefined) out.push(first);
    if (second !== undefined) out.push(second);
  }
  return out;
}

function report(rows: readonly Row[]): void {
  const best = (values: number[]): number => Math.max(...values);
  const rounded = (values: number[]): string => `(${values.map((value) => value.toFixed(0)).join(', ')})`;
  const width = Math.max(...rows.map((row) => row.label.length));
  const roundsWidth = Math.max(...rows.map((row) => rounded(row.pagesPerSecond).length));
  console.log(
    `\n  ${'best of the rounds (every round)'.padEnd(width)}  pages/s ${''.padEnd(roundsWidth)}` +
      ` pages/CPU-s ${''.padEnd(roundsWidth)}  peak MB  vs pdftotext: pages/s, pages/CPU-s`,
  );
  for (const row of rows) {
    const versus = rows.find((other) => other.label === row.versus);
    const ratio = (mine: number[], theirs: number[]): string =>
      `${((best(mine) / best(theirs)) * 100).toFixed(0)}%`;
    const versusText = versus
      ? `${ratio(row.pagesPerSecond, versus.pagesPerSecond)}, ${ratio(row.pagesPerCpuSecond, versus.pagesPerCpuSecond)}`
      : '';
    console.log(
      `  ${row.label.padEnd(width)}  ${best(row.pagesPerSecond).toFixed(0).padStart(7)} ${rounded(row.pagesPerSecond).padEnd(roundsWidth)}` +
        ` ${best(row.pagesPerCpuSecond).toFixed(0).padStart(11)} ${rounded(row.pagesPerCpuSecond).padEnd(roundsWidth)}` +
        `  ${row.peakMb.toFixed(0).padStart(7)}  ${versusText}`,
    );
  }
  // Issue 4's yardstick: with both cores busy, at least half of pdftotext's pages per second.
  const busy = rows.filter((row) => row.label.startsWith('Docsort, two files at once'));
  const theirs = rows.find((row) => row.label === busy[0]?.versus);
  if (!theirs) return;
  console.log(
    `\n  both cores busy (the aim: at least 50% of pdftotext's ${best(theirs.pagesPerSecond).toFixed(0)} pages/s, ${theirs.peakMb.toFixed(0)} MB):`,
  );
  for (const row of busy) {
    const share = (best(row.pagesPerSecond) / best(theirs.pagesPerSecond)) * 100;
    console.log(
      `  ${row.label.padEnd(width)}  ${best(row.pagesPerSecond).toFixed(0)} pages/s, ${share.toFixed(0)}%, ${row.peakMb.toFixed(0)} MB`,
    );
  }
}
