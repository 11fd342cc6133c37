import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IndexingQueue } from "@/lib/ingest/indexing-queue";
import { setLogLevel } from "@/lib/logger";

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

/** Lets every already-settled promise callback run. */
async function settle(): Promise<void> {
  for (let index = 0; index < 5; index += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A queue whose jobs finish only when the test says so, recording what ran and when. */
function controlledQueue(concurrency: number) {
  const jobs = new Map<string, Deferred>();
  const signals = new Map<string, AbortSignal>();
  const started: string[] = [];
  const finished: string[] = [];
  let active = 0;
  let maxActive = 0;
  const queue = new IndexingQueue({
    concurrency,
    run: async (documentId, signal) => {
      started.push(documentId);
      signals.set(documentId, signal);
      active += 1;
      maxActive = Math.max(maxActive, active);
      const job = deferred();
      jobs.set(documentId, job);
      try {
        await job.promise;
      } finally {
        active -= 1;
        finished.push(documentId);
      }
    },
  });
  const finish = async (documentId: string) => {
    const job = jobs.get(documentId);
    if (!job) throw new Error(`${documentId} is not running`);
    job.resolve();
    await settle();
  };
  return {
    queue,
    started,
    finished,
    signals,
    jobs,
    finish,
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    },
  };
}

beforeAll(() => {
  // A crashing job is logged to stderr; keep test output clean.
  setLogLevel("silent");
});

afterAll(() => {
  setLogLevel("info");
});

describe("IndexingQueue", () => {
  it("never runs more than `concurrency` jobs at once, and runs them all in order", async () => {
    const harness = controlledQueue(2);
    const ids = ["a", "b", "c", "d", "e", "f"];
    for (const id of ids) harness.queue.enqueue(id);
    await settle();
    expect(harness.started).toEqual(["a", "b"]);
    expect(harness.queue.size).toBe(6);

    await harness.finish("b");
    expect(harness.started).toEqual(["a", "b", "c"]);
    expect(harness.active).toBe(2);

    for (const id of ["a", "c", "d", "e", "f"]) await harness.finish(id);
    expect(harness.started).toEqual(ids);
    expect(harness.maxActive).toBe(2);
    expect(harness.queue.size).toBe(0);
  });

  it("runs one job at a time with concurrency 1", async () => {
    const harness = controlledQueue(1);
    for (const id of ["a", "b", "c"]) harness.queue.enqueue(id);
    await settle();
    for (const id of ["a", "b", "c"]) {
      expect(harness.started.at(-1)).toBe(id);
      expect(harness.active).toBe(1);
      await harness.finish(id);
    }
    expect(harness.maxActive).toBe(1);
  });

  it("ignores an enqueue of a document that is waiting or running", async () => {
    const harness = controlledQueue(1);
    harness.queue.enqueue("a");
    harness.queue.enqueue("b");
    harness.queue.enqueue("a"); // running
    harness.queue.enqueue("b"); // waiting
    await settle();
    expect(harness.queue.size).toBe(2);
    expect(harness.queue.has("a")).toBe(true);
    expect(harness.queue.has("b")).toBe(true);
    expect(harness.queue.has("c")).toBe(false);

    await harness.finish("a");
    await harness.finish("b");
    expect(harness.started).toEqual(["a", "b"]);

    // Once finished, the same document can be queued again.
    harness.queue.enqueue("a");
    await settle();
    expect(harness.started).toEqual(["a", "b", "a"]);
    expect(harness.queue.has("a")).toBe(true);
  });

  it("cancels a running job through its signal and resolves only after the job stopped", async () => {
    const events: string[] = [];
    const queue = new IndexingQueue({
      concurrency: 1,
      run: async (documentId, signal) => {
        events.push(`start ${documentId}`);
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        events.push(`aborted ${documentId}: ${String((signal.reason as Error).message)}`);
        // Cleanup after the abort takes a while.
        await new Promise<void>((resolve) => setTimeout(resolve, 20));
        events.push(`stopped ${documentId}`);
      },
    });
    queue.enqueue("a");
    await settle();
    expect(events).toEqual(["start a"]);

    await queue.cancel("a");
    events.push("cancel resolved");
    expect(events).toEqual(["start a", "aborted a: cancelled", "stopped a", "cancel resolved"]);
    expect(queue.has("a")).toBe(false);
    expect(queue.size).toBe(0);
  });

  it("starts the next waiting job when a running one is cancelled", async () => {
    const harness = controlledQueue(1);
    harness.queue.enqueue("a");
    harness.queue.enqueue("b");
    await settle();
    // Job "a" ends (by failing) as soon as it is aborted.
    const signal = harness.signals.get("a");
    signal?.addEventListener("abort", () => harness.jobs.get("a")?.reject(new Error("aborted")));
    await harness.queue.cancel("a");
    await settle();
    expect(signal?.aborted).toBe(true);
    expect(harness.started).toEqual(["a", "b"]);
    expect(harness.signals.get("b")?.aborted).toBe(false);
  });

  it("removes a waiting job on cancel so it never runs", async () => {
    const harness = controlledQueue(1);
    for (const id of ["a", "b", "c"]) harness.queue.enqueue(id);
    await settle();
    await harness.queue.cancel("b");
    expect(harness.queue.has("b")).toBe(false);
    expect(harness.queue.size).toBe(2);
    expect(harness.signals.get("a")?.aborted).toBe(false);

    await harness.finish("a");
    await harness.finish("c");
    expect(harness.started).toEqual(["a", "c"]);
  });

  it("resolves cancel of an unknown document immediately", async () => {
    const harness = controlledQueue(1);
    await expect(harness.queue.cancel("nothing")).resolves.toBeUndefined();
  });

  it("resolves whenIdle immediately when empty and after the last job otherwise", async () => {
    const harness = controlledQueue(2);
    await expect(harness.queue.whenIdle()).resolves.toBeUndefined();

    for (const id of ["a", "b", "c"]) harness.queue.enqueue(id);
    let idle = false;
    const whenIdle = harness.queue.whenIdle().then(() => {
      idle = true;
    });
    const secondWaiter = harness.queue.whenIdle();
    await settle();
    await harness.finish("a");
    await harness.finish("b");
    expect(idle).toBe(false);
    await harness.finish("c");
    await whenIdle;
    await secondWaiter;
    expect(idle).toBe(true);
    expect(harness.finished.sort()).toEqual(["a", "b", "c"]);
  });

  it("keeps going after a job fails", async () => {
    const ran: string[] = [];
    const queue = new IndexingQueue({
      concurrency: 1,
      run: (documentId) => {
        ran.push(documentId);
        return documentId === "bad" ? Promise.reject(new Error("parser crashed")) : Promise.resolve();
      },
    });
    queue.enqueue("bad");
    queue.enqueue("good");
    await queue.whenIdle();
    expect(ran).toEqual(["bad", "good"]);
    expect(queue.size).toBe(0);
    expect(queue.has("bad")).toBe(false);
  });
});
