/**
 * Runs tasks one after another per key, in the order they were queued: two
 * saves of one document, an autosave and the save that supersedes it, or two
 * settings updates never interleave. A failed task does not stop the next.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves once every task queued so far, under any key, has finished (or failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }

  /** Whether tasks for `key` are queued or running. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }
}
