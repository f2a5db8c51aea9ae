/**
 * A bounded pool of expensive, single-use-at-a-time instances (OCR workers): created on first demand up to
 * `size`, reused, handed to waiters in arrival order, destroyed when broken, idle too long, or closed.
 */

export interface InstancePoolOptions<T> {
  size: number;
  create: () => Promise<T>;
  destroy: (instance: T) => Promise<void>;
  /** An instance idle this long is destroyed, giving its memory back; recreated on demand. */
  idleMs: number;
}

interface Waiter<T> {
  resolve: (instance: T) => void;
  reject: (error: unknown) => void;
}

export class InstancePool<T> {
  private readonly idle: T[] = [];
  private readonly idleTimers = new Map<T, NodeJS.Timeout>();
  private readonly waiters: Waiter<T>[] = [];
  /** Instances alive or being created. */
  private live = 0;
  /** Instances from before the last close() are destroyed when they come back. */
  private generation = 0;
  private readonly generations = new Map<T, number>();

  constructor(private readonly options: InstancePoolOptions<T>) {}

  /**
   * Runs `work` with an instance. Call `discard()` inside `work` when the instance must not be reused
   * (terminated, crashed, stuck); it is then destroyed instead of going back to the pool.
   */
  async use<R>(signal: AbortSignal, work: (instance: T, discard: () => void) => Promise<R>): Promise<R> {
    const instance = await this.acquire(signal);
    let broken = false;
    try {
      return await work(instance, () => {
        broken = true;
      });
    } finally {
      this.release(instance, broken);
    }
  }

  async close(): Promise<void> {
    this.generation++;
    const idle = this.idle.splice(0);
    for (const instance of idle) this.forget(instance);
    this.live -= idle.length;
    await Promise.all(idle.map((instance) => this.destroyQuietly(instance)));
  }

  private acquire(signal: AbortSignal): Promise<T> {
    signal.throwIfAborted();
    const ready = this.idle.pop();
    if (ready !== undefined) {
      clearTimeout(this.idleTimers.get(ready));
      this.idleTimers.delete(ready);
      return Promise.resolve(ready);
    }
    if (this.live < this.options.size) return this.spawn();
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve: (instance) => {
          signal.removeEventListener('abort', onAbort);
          resolve(instance);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = (): void => {
        const at = this.waiters.indexOf(waiter);
        if (at !== -1) this.waiters.splice(at, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private async spawn(): Promise<T> {
    this.live++;
    try {
      const instance = await this.options.create();
      this.generations.set(instance, this.generation);
      return instance;
    } catch (error) {
      this.live--;
      throw error;
    }
  }

  private release(instance: T, broken: boolean): void {
    if (broken || this.generations.get(instance) !== this.generation) {
      this.forget(instance);
      this.live--;
      void this.destroyQuietly(instance);
      // The freed capacity goes to the next waiter as a fresh instance.
      const next = this.waiters.shift();
      if (next) this.spawn().then(next.resolve, next.reject);
      return;
    }
    const next = this.waiters.shift();
    if (next) {
      next.resolve(instance);
      return;
    }
    this.idle.push(instance);
    const timer = setTimeout(() => this.retire(instance), this.options.idleMs);
    // An idle OCR worker must not keep the process alive.
    timer.unref();
    this.idleTimers.set(instance, timer);
  }

  private retire(instance: T): void {
    const at = this.idle.indexOf(instance);
    if (at === -1) return;
    this.idle.splice(at, 1);
    this.forget(instance);
    this.live--;
    void this.destroyQuietly(instance);
  }

  private forget(instance: T): void {
    clearTimeout(this.idleTimers.get(instance));
    this.idleTimers.delete(instance);
    this.generations.delete(instance);
  }

  private async destroyQuietly(instance: T): Promise<void> {
    try {
      await this.options.destroy(instance);
    } catch {
      // Destroying is best effort: the instance is already out of the pool.
    }
  }
}
