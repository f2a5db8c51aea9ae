/** Process measurements shared by the parsing benchmarks (ocr.ts, pdf-text.ts): Linux /proc only. */

import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Runs a command to completion, polling its high-water resident memory (VmHWM) from /proc. */
export function runMeasured(
  command: string,
  commandArgs: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; peakMb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let peakKb = 0;
    const poll = setInterval(() => {
      void readFile(`/proc/${child.pid}/status`, 'utf8').then(
        (status) => {
          peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        },
        () => {},
      );
    }, 10);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`${command} exited with code ${code}`));
      else resolve({ stdout: Buffer.concat(chunks).toString('utf8'), peakMb: peakKb / 1024 });
    });
  });
}

/** A live process's high-water resident memory in MB (VmHWM); 0 once it has exited. */
export const highWaterMb = (pid: number): number => statusMb(pid, 'VmHWM');

/** A live process's resident memory now, in MB (VmRSS); 0 once it has exited. */
export const residentMb = (pid: number): number => statusMb(pid, 'VmRSS');

function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Clock ticks per second of /proc's CPU times (getconf CLK_TCK; 100 on Linux). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/PID/stat after the command name: utime, stime, cutime, cstime are 11 to 14 here. */
function statFields(pid: number | 'self'): string[] {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return [];
  }
}

/**
 * CPU seconds a live process (all its threads) has used so far. Unlike wall time it does not grow when
 * other work on the machine takes the cores, so pages per CPU second compare fairly on a busy machine.
 */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / TICKS;
}

/** CPU seconds used by this process's children that have exited (and been waited for) so far. */
export function exitedChildrenCpuSeconds(): number {
  const fields = statFields('self');
  return (Number(fields[13] ?? 0) + Number(fields[14] ?? 0)) / TICKS;
}

export function childPids(pid: number = process.pid): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children ? children.split(' ').map(Number) : [];
  } catch {
    return [];
  }
}

export function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
