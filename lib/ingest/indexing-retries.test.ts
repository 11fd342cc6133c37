import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import type { IndexingAttempts } from "@/lib/ingest/indexing-attempts";
import { createRetryingIndexRun } from "@/lib/ingest/indexing-retries";

/** Attempts kept in memory, a registry that records what it is told, and an index run that fails as told. */
function harness(options: { failWith?: () => Error; unendedRuns?: number }) {
  const started = new Map<string, number>([["d", options.unendedRuns ?? 0]]);
  const attempts: IndexingAttempts = {
    begin: (documentId) => {
      const count = (started.get(documentId) ?? 0) + 1;
      started.set(documentId, count);
      return count;
    },
    end: (documentId) => void started.delete(documentId),
    close: () => undefined,
  };
  const failed: { id: string; code: string }[] = [];
  const statuses: string[] = [];
  const requeued: string[] = [];
  let runs = 0;
  const run = createRetryingIndexRun({
    registry: {
      getDocument: () => ({}) as never,
      failIndexing: ({ id, code }) => void failed.push({ id, code }),
      updateProgress: (_id, progress) => void statuses.push(progress.status ?? ""),
    },
    attempts,
    index: () => {
      runs += 1;
      return options.failWith ? Promise.reject(options.failWith()) : Promise.resolve();
    },
    requeue: (documentId) => void requeued.push(documentId),
  });
  return { run: () => run("d", new AbortController().signal), failed, statuses, requeued, runs: () => runs };
}

describe("createRetryingIndexRun", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs the indexing once when it succeeds", async () => {
    const h = harness({});
    await h.run();
    expect(h.runs()).toBe(1);
    expect(h.failed).toEqual([]);
    expect(h.requeued).toEqual([]);
  });

  it("keeps a document queued and requeues it later while the store is unreachable", async () => {
    const h = harness({ failWith: () => new AppError("store.unavailable", "down") });
    await h.run();
    expect(h.statuses).toEqual(["queued"]);
    expect(h.requeued).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(h.requeued).toEqual(["d"]);
    expect(h.failed).toEqual([]);
  });

  it("fails the document after 30 retries", async () => {
    const h = harness({ failWith: () => new AppError("embedding.unavailable", "down") });
    for (let attempt = 0; attempt < 30; attempt += 1) await h.run();
    expect(h.failed).toEqual([]);
    await h.run();
    expect(h.failed).toEqual([{ id: "d", code: "store.unavailable" }]);
  });

  it("passes any other error on", async () => {
    const h = harness({ failWith: () => new AppError("parse.timeout", "slow") });
    await expect(h.run()).rejects.toMatchObject({ code: "parse.timeout" });
    expect(h.requeued).toEqual([]);
  });

  it("fails instead of indexing a document the process died in twice", async () => {
    const h = harness({ unendedRuns: 2 });
    await h.run();
    expect(h.runs()).toBe(0);
    expect(h.failed).toEqual([{ id: "d", code: "indexing.interrupted" }]);
  });
});
