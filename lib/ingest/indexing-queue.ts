import { logger } from "@/lib/logger";

/**
 * An in-process work queue with bounded concurrency: many uploads at once never mean many
 * parses and embeddings at once. Each job can be cancelled (a document deleted mid-indexing).
 */
export class IndexingQueue {
  private readonly pending: string[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly options: {
      concurrency: number;
      run: (documentId: string, signal: AbortSignal) => Promise<void>;
    },
  ) {}

  /** Adds a document unless it is already waiting or running. */
  enqueue(documentId: string): void {
    if (this.pending.includes(documentId) || this.running.has(documentId)) return;
    this.pending.push(documentId);
    this.pump();
  }

  /** Removes a waiting job or aborts a running one, resolving when it has stopped. */
  async cancel(documentId: string): Promise<void> {
    const index = this.pending.indexOf(documentId);
    if (index >= 0) this.pending.splice(index, 1);
    const job = this.running.get(documentId);
    if (!job) return;
    job.controller.abort(new Error("cancelled"));
    await job.done;
  }

  /** True when the document is waiting or being indexed. */
  has(documentId: string): boolean {
    return this.pending.includes(documentId) || this.running.has(documentId);
  }

  get size(): number {
    return this.pending.length + this.running.size;
  }

  /** Resolves when nothing is waiting or running. */
  whenIdle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running.size < this.options.concurrency && this.pending.length > 0) {
      const documentId = this.pending.shift();
      if (documentId === undefined) break;
      const controller = new AbortController();
      const done = this.options
        .run(documentId, controller.signal)
        .catch((error: unknown) => logger.error("indexing.job_crashed", { documentId, error }))
        .finally(() => {
          this.running.delete(documentId);
          this.pump();
          if (this.size === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const resolve of waiters) resolve();
          }
        });
      this.running.set(documentId, { controller, done });
    }
  }
}
