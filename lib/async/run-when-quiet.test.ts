import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createQuietRunner } from "@/lib/async/run-when-quiet";

describe("createQuietRunner", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const runner = (task: () => Promise<void> = () => Promise.resolve()) => {
    const runs: number[] = [];
    const errors: unknown[] = [];
    const quiet = createQuietRunner({
      task: async () => {
        runs.push(Date.now());
        await task();
      },
      onError: (error) => errors.push(error),
      quietMilliseconds: 1_000,
      minimumIntervalMilliseconds: 10_000,
    });
    return { quiet, runs, errors };
  };

  it("runs once after the changes stop for the quiet time, not before", async () => {
    const { quiet, runs } = runner();
    const start = Date.now();
    quiet.noteChange();
    await vi.advanceTimersByTimeAsync(600);
    quiet.noteChange();
    await vi.advanceTimersByTimeAsync(600);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(400);
    expect(runs).toEqual([start + 1_600]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toHaveLength(1);
  });

  it("runs again after a later change, but not sooner than the minimum interval", async () => {
    const { quiet, runs } = runner();
    const start = Date.now();
    quiet.noteChange();
    await vi.advanceTimersByTimeAsync(1_000);
    quiet.noteChange();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toEqual([start + 1_000, start + 11_000]);
  });

  it("never runs twice at once: a change during a run asks for one more run after it", async () => {
    let finish: () => void = () => undefined;
    const { quiet, runs } = runner(() => new Promise<void>((resolve) => (finish = resolve)));
    quiet.noteChange();
    await vi.advanceTimersByTimeAsync(1_000);
    quiet.noteChange();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(runs).toHaveLength(1);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(2);
  });

  it("keeps a long run to its share of the time", async () => {
    const runs: number[] = [];
    const quiet = createQuietRunner({
      task: async () => {
        runs.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      },
      onError: () => undefined,
      quietMilliseconds: 1_000,
      minimumIntervalMilliseconds: 10_000,
      maximumRunShare: 0.05,
    });
    const start = Date.now();
    quiet.noteChange();
    await vi.advanceTimersByTimeAsync(3_000);
    quiet.noteChange();
    // The 2-second run may take 5 % of the time: the next starts 40 s after the first began.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(runs).toEqual([start + 1_000]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toEqual([start + 1_000, start + 41_000]);
  });

  it("reports a failed run and runs again only after another change; stop cancels a pending run", async () => {
    const { quiet, runs, errors } = runner(() => Promise.reject(new Error("store down")));
    quiet.noteChange();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toHaveLength(1);
    quiet.noteChange();
    quiet.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toHaveLength(1);
  });
});
