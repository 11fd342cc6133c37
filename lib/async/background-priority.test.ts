import { readdirSync, readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { BACKGROUND_NICE, lowerThisThreadPriority } from "@/lib/async/background-priority";

/** Nice values of this process's threads, from /proc (field 19 of each task's stat line). */
function threadNiceValues(): number[] {
  return readdirSync("/proc/self/task").map((task) => {
    const stat = readFileSync(`/proc/self/task/${task}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });
}

describe("lowerThisThreadPriority", () => {
  it("does nothing outside Linux, where it would lower the whole process", () => {
    expect(lowerThisThreadPriority("darwin")).toBe(false);
    expect(lowerThisThreadPriority("win32")).toBe(false);
  });

  it.skipIf(process.platform !== "linux")("lowers only the calling thread on Linux", async () => {
    const mainBefore = threadNiceValues().filter((value) => value >= BACKGROUND_NICE).length;
    // A worker that lowers itself, through the same module, and stays alive while we look.
    const modulePath = new URL("./background-priority.ts", import.meta.url).pathname;
    const worker = new Worker(
      `const { parentPort } = require("node:worker_threads");
       require("tsx/cjs");
       const { lowerThisThreadPriority } = require(${JSON.stringify(modulePath)});
       parentPort.postMessage(lowerThisThreadPriority());
       setInterval(() => {}, 1000);`,
      { eval: true },
    );
    try {
      const lowered = await new Promise((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      expect(lowered).toBe(true);
      expect(threadNiceValues().filter((value) => value >= BACKGROUND_NICE).length).toBe(mainBefore + 1);
      expect(threadNiceValues()[0]).toBeLessThan(BACKGROUND_NICE);
    } finally {
      await worker.terminate();
    }
  });
});
