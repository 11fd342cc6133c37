import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLocalEmbedder, localModelRoot } from "@/lib/embeddings/local-embedder";
import { BACKGROUND_NICE } from "@/lib/async/background-priority";

/**
 * The local model runs in a worker thread: onnxruntime-node's inference is a synchronous native
 * call that, on the server's main thread, stalled every request while indexing or answering ran.
 * The vectors must be exactly those of the in-process model, the main thread must stay
 * responsive during document work, and a query must not wait for the whole of it.
 */

function longText(index: number): string {
  return `Passage ${index}: ${"Every employee receives twenty-eight days of paid vacation per year, and unused days expire at the end of March. ".repeat(8)}`;
}

/**
 * The reference: the model run in the main thread of a separate process (onnxruntime-node keeps
 * per-thread state in globals, so one process must not run sessions in two threads).
 */
function inProcessVectors(texts: string[]): Promise<number[][]> {
  const script = `
    const transformers = await import("@huggingface/transformers");
    transformers.env.allowRemoteModels = false;
    transformers.env.localModelPath = ${JSON.stringify(localModelRoot() + path.sep)};
    const extractor = await transformers.pipeline("feature-extraction", "onnx-community/all-MiniLM-L6-v2-ONNX", { dtype: "q4" });
    const output = await extractor(${JSON.stringify(texts)}, { pooling: "mean", normalize: true });
    process.stdout.write(JSON.stringify(output.tolist()));
  `;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { cwd: process.cwd(), maxBuffer: 10 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as number[][]),
    );
  });
}

describe("the local embedding model in its worker thread", () => {
  const embedder = createLocalEmbedder({ batchSize: 32 });

  it("gives exactly the vectors of the model run in-process, and counts its busy time", async () => {
    const texts = ["How many vacation days?", longText(1)];
    const before = embedder.statistics();
    const viaWorker = await embedder.embedDocuments(texts);
    const query = await embedder.embedQuery(texts[0] ?? "");
    const after = embedder.statistics();
    expect(after.inputs.document - before.inputs.document).toBe(2);
    expect(after.inputs.query - before.inputs.query).toBe(1);
    expect(after.busyMilliseconds).toBeGreaterThan(before.busyMilliseconds);
    // The long passage alone is well over 100 word-pieces, plus [CLS] and [SEP] for each text.
    expect(after.wordPieces - before.wordPieces).toBeGreaterThan(100);
    const inProcess = await inProcessVectors(texts);
    texts.forEach((_, index) => {
      const difference = Math.max(...(viaWorker[index] ?? []).map((value, dimension) => Math.abs(value - (inProcess[index]?.[dimension] ?? 0))));
      expect(difference).toBeLessThan(1e-5);
    });
    expect(query).toEqual(viaWorker[0]);
  });

  it("keeps the main thread responsive and serves a query before queued document work", async () => {
    const texts = Array.from({ length: 48 }, (_, index) => longText(index));
    let last = performance.now();
    let longestStall = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestStall = Math.max(longestStall, now - last);
      last = now;
    }, 5);
    try {
      let documentsDone = 0;
      const documents = embedder.embedDocuments(texts).then((vectors) => {
        documentsDone = performance.now();
        return vectors;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const query = await embedder.embedQuery("Who assigns parking spaces in the garage?");
      const queryDone = performance.now();
      expect(query).toHaveLength(384);
      expect(await documents).toHaveLength(texts.length);
      expect(queryDone).toBeLessThan(documentsDone);
    } finally {
      clearInterval(ticker);
    }
    // A run blocks only the worker; the main thread's timers keep firing (generous on a busy CI box).
    expect(longestStall).toBeLessThan(1_000);
  });

  it("serves answer sentences before queued indexing work, with the same vectors", async () => {
    const texts = Array.from({ length: 48 }, (_, index) => longText(index + 100));
    let documentsDone = 0;
    const documents = embedder.embedDocuments(texts).then((vectors) => {
      documentsDone = performance.now();
      return vectors;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sentences = ["Parking spaces are assigned by facilities.", "Badges are issued at reception."];
    const sentenceVectors = await embedder.embedSentences(sentences);
    const sentencesDone = performance.now();
    expect(sentencesDone).toBeLessThan(documentsDone || Infinity);
    await documents;
    expect(sentenceVectors).toEqual(await embedder.embedDocuments(sentences));
  });

  it("embeds a sentence once: repeated answers quoting it take its vector from the cache", async () => {
    const sentences = ["Visitors sign in at the front desk.", "Lost badges are replaced within a day.", "Visitors sign in at the front desk."];
    const before = embedder.statistics();
    const first = await embedder.embedSentences(sentences);
    const middle = embedder.statistics();
    const again = await embedder.embedSentences([...sentences].reverse());
    const after = embedder.statistics();
    // Two distinct sentences embedded, once; the repeat costs the model nothing.
    expect(middle.inputs.sentence - before.inputs.sentence).toBe(2);
    expect(after.inputs.sentence).toBe(middle.inputs.sentence);
    expect(again).toEqual([...first].reverse());
    expect(first[0]).toEqual(first[2]);
    expect(first[0]).not.toBe(first[2]);
  });

  it.skipIf(process.platform !== "linux")("runs the model at background priority, its inference threads included", async () => {
    await embedder.embedDocuments([longText(7)]);
    const niceValues = readdirSync("/proc/self/task").map((task) => {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
    });
    // The worker thread and at least one onnxruntime thread it started; never the main thread.
    expect(niceValues.filter((value) => value >= BACKGROUND_NICE).length).toBeGreaterThanOrEqual(2);
    expect(niceValues[0]).toBeLessThan(BACKGROUND_NICE);
  });

  it("answers a repeated query from its cache with an independent copy", async () => {
    const first = await embedder.embedQuery("What is the daily meal allowance abroad?");
    first[0] = 42;
    const second = await embedder.embedQuery("What is the daily meal allowance abroad?");
    expect(second[0]).not.toBe(42);
    expect(second.slice(1)).toEqual(first.slice(1));
  });
});

describe("queries arriving together", () => {
  const embedder = createLocalEmbedder({ batchSize: 32 });

  it("run as one batch and each gets exactly its own vector", async () => {
    const questions = Array.from({ length: 20 }, (_, index) => `Question number ${index}: how many vacation days are there in year ${2000 + index}?`);
    const together = await Promise.all(questions.map((question) => embedder.embedQuery(question)));
    const fresh = createLocalEmbedder({ batchSize: 32 });
    for (const [index, question] of questions.entries()) {
      const alone = await fresh.embedDocuments([question]);
      const difference = Math.max(...(together[index] ?? []).map((value, dimension) => Math.abs(value - (alone[0]?.[dimension] ?? 0))));
      expect(difference).toBeLessThan(1e-5);
    }
  });
});
