/**
 * How fast a parser process starts and how much memory it holds before its first file, beside a bare Node
 * process that does nothing (the floor).
 *
 *   npx tsx bench/parser-startup.ts                 the sources (through tsx), 5 starts
 *   npx tsx bench/parser-startup.ts --entry dist/adapters/parsers/isolation/parser-child.js --starts 10
 *                                                   a build (what production runs); repeat --entry to compare
 *
 * Each start is timed from fork to the process's "ready" message; its resident memory (VmRSS) is read a
 * moment later. The best start and the median are printed. Prints figures only; never fails on them.
 */

import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childCommand, defaultEntry } from '../src/adapters/parsers/isolation/child-command.js';
import type { FromChild } from '../src/adapters/parsers/isolation/messages.js';
import { residentMb } from './measure.js';

const args = process.argv.slice(2);
const startsAt = args.indexOf('--starts');
const starts = Math.max(1, startsAt === -1 ? 5 : Number(args[startsAt + 1]) || 5);
const entries = args.flatMap((arg, i) => (arg === '--entry' && args[i + 1] ? [args[i + 1]!] : []));

const bare = path.join(tmpdir(), `docsort-bare-child-${process.pid}.cjs`);
writeFileSync(bare, "process.send({ type: 'ready' }); process.on('disconnect', () => process.exit(0));\n");

const sources = fileURLToPath(
  defaultEntry(new URL('../src/adapters/parsers/isolation/isolated-parser.ts', import.meta.url).href),
);
const targets: [string, string][] = [
  ['bare Node process (floor)', bare],
  ...(entries.length > 0
    ? entries.map((entry): [string, string] => [entry, path.resolve(entry)])
    : [['parser process, sources through tsx', sources] as [string, string]]),
];

const width = Math.max(...targets.map(([label]) => label.length));
for (const [label, script] of targets) {
  const runs: { ms: number; mb: number }[] = [];
  for (let i = 0; i < starts; i++) runs.push(await startOnce(script));
  runs.sort((a, b) => a.ms - b.ms);
  const median = runs[Math.floor(runs.length / 2)]!;
  console.log(
    `${label.padEnd(width)}  best ${runs[0]!.ms.toFixed(0).padStart(5)} ms, median ${median.ms.toFixed(0).padStart(5)} ms;` +
      ` ${median.mb.toFixed(0).padStart(4)} MB resident`,
  );
}

async function startOnce(script: string): Promise<{ ms: number; mb: number }> {
  const { modulePath, execArgv } = childCommand(pathToFileURL(script));
  const started = performance.now();
  // As ParserProcessHandle starts them (less the offline guard, which changes nothing here).
  const child = fork(modulePath, ['{}'], {
    execArgv: ['--max-old-space-size=1152', ...execArgv],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: FromChild) => message.type === 'ready' && resolve());
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  const ms = performance.now() - started;
  // Whatever the start left to settle (lazy compilation, a first GC) settles.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const mb = child.pid === undefined ? 0 : residentMb(child.pid);
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await exited;
  return { ms, mb };
}
