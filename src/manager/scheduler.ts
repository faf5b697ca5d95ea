/** Periodic timers, injectable so tests fire them by hand instead of sleeping. */
export interface Scheduler {
  /** Calls fn every ms milliseconds until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    // A metrics timer must not keep a stopping server alive.
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** A scheduler for tests: fire() runs every registered callback once. */
export class ManualScheduler implements Scheduler {
  private readonly callbacks = new Set<() => void>();

  every(_ms: number, fn: () => void): () => void {
    this.callbacks.add(fn);
    return () => this.callbacks.delete(fn);
  }

  get active(): number {
    return this.callbacks.size;
  }

  fire(): void {
    for (const fn of [...this.callbacks]) fn();
  }
}
