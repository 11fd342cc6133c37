import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MAXIMUM_INTERRUPTED_RUNS, openIndexingAttempts, runCountingAttempts } from "@/lib/ingest/indexing-attempts";

/** A document the process dies in is not resumed forever (issue 16): runs that never ended are counted across restarts. */

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function databaseFile(): string {
  const directory = mkdtempSync(path.join(tmpdir(), "cited-attempts-"));
  directories.push(directory);
  return path.join(directory, "app.db");
}

describe("runCountingAttempts", () => {
  it("fails a document after the runs the process died in, counted across restarts", async () => {
    const file = databaseFile();
    // Each "process" starts a run and dies in it: begin without end, then the file is reopened.
    for (let restart = 0; restart < MAXIMUM_INTERRUPTED_RUNS; restart += 1) {
      const attempts = openIndexingAttempts(file);
      attempts.begin("doc-1");
      attempts.close();
    }
    const attempts = openIndexingAttempts(file);
    const failed: number[] = [];
    let ran = false;
    await runCountingAttempts({ attempts, documentId: "doc-1", run: () => Promise.resolve(void (ran = true)), fail: (runs) => failed.push(runs) });
    expect(ran).toBe(false);
    expect(failed).toEqual([MAXIMUM_INTERRUPTED_RUNS]);
    attempts.close();
  });

  it("clears the count when a run ends, whether it succeeds or throws", async () => {
    const attempts = openIndexingAttempts(databaseFile());
    for (let run = 0; run < 5; run += 1) {
      await runCountingAttempts({ attempts, documentId: "doc-2", run: () => Promise.resolve(), fail: () => expect.unreachable() });
      await expect(runCountingAttempts({ attempts, documentId: "doc-2", run: () => Promise.reject(new Error("transient")), fail: () => expect.unreachable() })).rejects.toThrow(
        "transient",
      );
    }
    expect(attempts.begin("doc-2")).toBe(1);
    attempts.close();
  });
});
