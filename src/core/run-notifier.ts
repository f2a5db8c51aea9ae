import { EventEmitter } from 'node:events';

/**
 * In-process signals: "a job was queued" wakes the local worker at once, "a run finished" wakes
 * synchronous /classify callers. Both are hints only; the database stays the source of truth
 * (pollers cover runs finished by other processes).
 */
export class RunNotifier {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  jobQueued(): void {
    this.emitter.emit('job');
  }
  onJobQueued(fn: () => void): () => void {
    this.emitter.on('job', fn);
    return () => this.emitter.off('job', fn);
  }
  runFinished(runId: string): void {
    this.emitter.emit(`run:${runId}`);
  }
  onRunFinished(runId: string, fn: () => void): () => void {
    this.emitter.on(`run:${runId}`, fn);
    return () => this.emitter.off(`run:${runId}`, fn);
  }
  /** Resolves when the run finishes in this process or after `ms`, whichever comes first. */
  waitForRun(runId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const off = this.onRunFinished(runId, done);
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }
}
