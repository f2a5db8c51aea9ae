/**
 * One parser process seen from the parent: started with a heap limit and the offline guard, watched for
 * resident memory while it works, killed when a file overruns its time or memory, and reported dead when it
 * crashes. A failure of the process fails the one file it was reading.
 */

import { type ChildProcess, fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { type ParsedDocument, ParseFailure, type ParseInput } from '../../../ports/parser.js';
import { timedOut } from '../failures.js';
import type { PageShard } from '../page-shard.js';
import type { ChildCommand } from './child-command.js';
import type { FromChild, ToChild } from './messages.js';

/** Loading pdf.js, sharp and the parsers takes a second or two under tsx; far more means it is broken. */
const START_TIMEOUT_MS = 60_000;
const MEMORY_POLL_MS = 100;
/** Keeps the end of the process's stderr to tell a heap exhaustion from another crash. */
const STDERR_TAIL = 4000;

export interface ProcessSettings {
  command: ChildCommand;
  /** JSON for the process's first argument (the DocumentParser options). */
  options: string;
  /** Resident memory allowed, MB; three quarters of it is the V8 heap limit. */
  memoryMb: number;
  /** Path of the offline guard preload. */
  guardPath: string;
  /** After the file's own deadline (which the process enforces), the parent waits this much, then kills. */
  killGraceMs: number;
}

export class ParserProcessHandle {
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private stderrTail = '';
  private exited = false;
  private killed = false;
  private nextId = 1;
  private onExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | null = null;
  private onMessage: ((message: FromChild) => void) | null = null;

  constructor(private readonly settings: ProcessSettings) {
    const { command, memoryMb, guardPath } = settings;
    this.child = fork(command.modulePath, [settings.options], {
      execArgv: [`--max-old-space-size=${heapMb(memoryMb)}`, '--require', guardPath, ...command.execArgv],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    this.child.on('message', (message: FromChild) => this.onMessage?.(message));
    this.child.once('exit', (code, signal) => {
      this.exited = true;
      this.onExit?.(code, signal);
    });
    // Reported through 'exit' (or a failed start); without a listener the error would be thrown.
    this.child.on('error', () => {});
    this.ready = this.waitUntilReady();
    this.ready.catch(() => {});
    this.idle();
  }

  /** False from the moment it is killed, before the exit is reported. */
  get alive(): boolean {
    return !this.exited && !this.killed;
  }

  /** Parses one file (or one shard of a PDF) in the process; rejects with a ParseFailure for every failure. */
  async parse(input: ParseInput, shard?: PageShard): Promise<ParsedDocument> {
    this.busy();
    // What the process printed for an earlier file says nothing about this one.
    this.stderrTail = '';
    const id = this.nextId++;
    const { timeoutMs } = input.limits;
    try {
      await this.ready;
      return await new Promise<ParsedDocument>((resolve, reject) => {
        let settled = false;
        const settle = (): boolean => {
          if (settled) return false;
          settled = true;
          clearTimeout(timer);
          clearInterval(watchdog);
          this.onMessage = null;
          this.onExit = null;
          return true;
        };
        const fail = (failure: ParseFailure): void => {
          if (!settle()) return;
          this.kill();
          reject(failure);
        };
        const timer = setTimeout(() => fail(timedOut(timeoutMs)), timeoutMs + this.settings.killGraceMs);
        const watchdog = setInterval(() => {
          void this.residentMb().then((mb) => {
            if (mb !== null && mb > this.settings.memoryMb) fail(tooMuchMemory(this.settings.memoryMb));
          });
        }, MEMORY_POLL_MS);
        this.onMessage = (message) => {
          if (message.type === 'parsed' && message.id === id) {
            if (settle()) resolve(message.document);
          } else if (message.type === 'failed' && message.id === id) {
            if (settle()) reject(new ParseFailure(message.reason, message.message));
          }
        };
        this.onExit = (code, signal) => {
          if (settle()) reject(this.crashFailure(code, signal));
        };
        const request: ToChild = { type: 'parse', id, input, ...(shard ? { shard } : {}) };
        this.child.send(request, (error) => {
          if (error)
            fail(
              new ParseFailure(
                'INTERNAL_ERROR',
                `The parser process did not take the file: ${error.message}`,
              ),
            );
        });
      });
    } finally {
      this.idle();
    }
  }

  /** Resident set size in MB, from /proc (Linux); null elsewhere, where only the heap limit applies. */
  async residentMb(): Promise<number | null> {
    if (this.exited || this.child.pid === undefined) return null;
    try {
      const statm = await readFile(`/proc/${this.child.pid}/statm`, 'utf8');
      const pages = Number(statm.split(' ')[1]);
      return (pages * 4096) / (1024 * 1024);
    } catch {
      return null;
    }
  }

  kill(): void {
    this.killed = true;
    if (this.exited) return;
    this.child.kill('SIGKILL');
    // Whoever waits for the exit (close()) must not see the event loop end first.
    this.busy();
  }

  /** Resolves once the process has exited (at once if it already has). */
  exitedPromise(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  private waitUntilReady(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(new ParseFailure('INTERNAL_ERROR', 'The parser process did not start in time.'));
      }, START_TIMEOUT_MS);
      this.onMessage = (message) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        this.onMessage = null;
        this.onExit = null;
        resolve();
      };
      this.onExit = (code, signal) => {
        clearTimeout(timer);
        this.onMessage = null;
        reject(
          new ParseFailure(
            'INTERNAL_ERROR',
            `The parser process failed to start (${describeExit(code, signal)}).`,
          ),
        );
      };
    });
  }

  private crashFailure(code: number | null, signal: NodeJS.Signals | null): ParseFailure {
    if (/heap limit|heap out of memory|Allocation failed/i.test(this.stderrTail)) {
      return tooMuchMemory(this.settings.memoryMb);
    }
    return new ParseFailure(
      'INTERNAL_ERROR',
      `The parser crashed while reading this file (${describeExit(code, signal)}).`,
    );
  }

  /** A working process keeps the parent alive; an idle one must not hold up its exit. */
  private busy(): void {
    this.child.ref();
    this.child.channel?.ref();
    (this.child.stderr as { ref?(): void } | null)?.ref?.();
  }

  private idle(): void {
    this.child.unref();
    this.child.channel?.unref();
    // stderr is a pipe socket, which holds the event loop like any socket.
    (this.child.stderr as { unref?(): void } | null)?.unref?.();
  }
}

/**
 * The heap is part of the resident memory; its own limit sits below the watchdog's so that a runaway heap
 * stops at a deterministic point (V8 aborts, reported as out of memory) rather than between two polls.
 */
const heapMb = (memoryMb: number): number => Math.max(64, Math.floor(memoryMb * 0.75));

const tooMuchMemory = (memoryMb: number): ParseFailure =>
  new ParseFailure(
    'FILE_SIZE_TOO_LARGE',
    `Parsing this file needed more than the ${memoryMb} MB of memory allowed.`,
  );

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}
