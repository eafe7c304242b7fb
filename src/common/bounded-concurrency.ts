/** A task refused because every slot is busy and the queue is full. */
export class SaturatedError extends Error {
  override readonly name = 'SaturatedError';
}

/**
 * At most `concurrency` tasks at once, at most `maxQueue` more waiting in order; beyond that a
 * task is refused at once (SaturatedError) instead of waiting without bound. p-limit has the first
 * half but no queue bound and no refusal, so it would still need this wrapper around it.
 */
export class BoundedConcurrency {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxQueue: number,
  ) {}

  /** Whether a task given now would be refused. */
  get saturated(): boolean {
    return this.active >= this.concurrency && this.waiting.length >= this.maxQueue;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.concurrency) this.active++;
    else if (this.waiting.length < this.maxQueue) await new Promise<void>((go) => this.waiting.push(go));
    else throw new SaturatedError('every slot is busy and the queue is full');
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, so a newcomer cannot take it in between.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
