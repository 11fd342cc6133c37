// Worker-thread entry of the local embedding model (started by lib/embeddings/local-embedder.ts).
// onnxruntime-node runs inference as a synchronous native call; on the server's main thread one
// batch would block every HTTP request for as long as it computes. Here it blocks only this
// thread. Plain JavaScript on purpose: a worker needs a real file, and this one needs no build.
// The parent has already verified the model files' hashes.
import os from "node:os";
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";

const { modelRoot, modelId, dtype, threads, nice } = workerData;

// The model is mostly indexing, background work: on Linux this thread's nice value is its own and
// the inference threads onnxruntime starts below inherit it, so under contention the server's
// request thread gets the CPU first, while the model still takes every idle cycle. (Not on other
// systems, where it would lower the whole process; see lib/async/background-priority.ts.)
if (process.platform === "linux" && nice > 0) {
  try {
    os.setPriority(0, Math.max(os.getPriority(0), nice));
  } catch {
    // Forbidden in some sandboxes: run at normal priority.
  }
}

let extractor;
try {
  const transformers = await import("@huggingface/transformers");
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.localModelPath = modelRoot + path.sep;
  // Few threads and no spin-waiting: on a small machine the model must leave CPU to the server
  // and the vector store, or every search waits behind indexing.
  const session_options = { intraOpNumThreads: threads, interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } } };
  extractor = await transformers.pipeline("feature-extraction", modelId, { dtype, session_options });
  parentPort.postMessage({ type: "ready" });
} catch (error) {
  parentPort.postMessage({ type: "fatal", message: error instanceof Error ? error.message : String(error) });
}

parentPort.on("message", async (job) => {
  if (!extractor) return;
  try {
    const output = await extractor(job.texts, { pooling: "mean", normalize: true });
    // A copy with its own buffer, transferred to the parent without another copy.
    const vectors = Float32Array.from(output.data);
    // The model's input length (special tokens included, truncated at its limit), for the bench's
    // floor: word-pieces embedded ÷ raw throughput (512 = model_max_length). Tokenizing again is
    // cheap beside the run itself.
    let wordPieces = 0;
    for (const text of job.texts) wordPieces += Math.min(extractor.tokenizer.encode(text).length, 512);
    parentPort.postMessage({ type: "result", id: job.id, vectors, dimensions: output.dims.at(-1), wordPieces }, [vectors.buffer]);
  } catch (error) {
    parentPort.postMessage({ type: "error", id: job.id, message: error instanceof Error ? error.message : String(error) });
  }
});
