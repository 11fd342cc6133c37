/**
 * `npm run ingest -- <files or folders…>`: indexes local files into the same store as the app
 * (same DATA_DIR), with the same validation, printing progress and a summary.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { ingestLocalFile, type UploadItemResult } from "@/lib/ingest/upload";
import { getAppServices, startAppServices } from "@/lib/server/app-services";
import { setLogLevel } from "@/lib/logger";
import { kindFromExtension } from "@/lib/ingest/validation";
import { runMain } from "./support/cli";

async function collectFiles(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const absolute = path.resolve(input);
    const stat = await fs.stat(absolute).catch(() => undefined);
    if (!stat) {
      console.error(`skipped: ${input} does not exist`);
      continue;
    }
    if (stat.isDirectory()) {
      const entries = await fs.readdir(absolute, { recursive: true, withFileTypes: true });
      for (const entry of entries) {
        const full = path.join(entry.parentPath, entry.name);
        if (entry.isFile() && kindFromExtension(entry.name)) files.push(full);
      }
    } else {
      files.push(absolute);
    }
  }
  return files.sort();
}

async function main(): Promise<number> {
  const inputs = process.argv.slice(2).filter((argument) => argument !== "--");
  if (inputs.length === 0) {
    console.error("usage: npm run ingest -- <files or folders…>");
    return 2;
  }
  setLogLevel("warn");
  const services = getAppServices();
  setLogLevel("warn");
  await startAppServices();
  const files = await collectFiles(inputs);
  console.log(`Ingesting ${files.length} file(s) into ${services.config.dataDirectory}`);

  const results: { filePath: string; result: UploadItemResult }[] = [];
  for (const filePath of files) {
    const result = await ingestLocalFile({ filePath, services });
    results.push({ filePath, result });
    console.log(`  ${result.status.padEnd(9)} ${path.basename(filePath)}${result.status !== "accepted" ? ` — ${result.error.message}` : ""}`);
  }

  const accepted = results.flatMap(({ result }) => (result.status === "accepted" ? [result.document.id] : []));
  let lastLine = "";
  while (services.queue.size > 0) {
    const documents = accepted.map((id) => services.registry.getDocument(id));
    const ready = documents.filter((document) => document?.status === "ready" || document?.status === "failed").length;
    const chunks = documents.reduce((sum, document) => sum + (document?.chunksEmbedded ?? 0), 0);
    const line = `  indexing: ${ready}/${accepted.length} documents done, ${chunks} chunks embedded`;
    if (line !== lastLine) console.log(line);
    lastLine = line;
    await Promise.race([services.queue.whenIdle(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  }

  const final = accepted.map((id) => services.registry.getDocument(id));
  const indexed = final.filter((document) => document?.status === "ready");
  const failed = final.filter((document) => document?.status === "failed");
  const duplicates = results.filter(({ result }) => result.status === "duplicate");
  const rejected = results.filter(({ result }) => result.status === "rejected");
  console.log("");
  console.log(`Summary: ${indexed.length} indexed, ${duplicates.length} duplicate(s), ${failed.length + rejected.length} failure(s)`);
  for (const document of failed) console.log(`  failed   ${document?.name}: ${document?.errorMessage}`);
  for (const { filePath, result } of rejected) if (result.status === "rejected") console.log(`  rejected ${path.basename(filePath)}: ${result.error.message}`);
  await services.shutdown();
  return failed.length + rejected.length > 0 ? 1 : 0;
}

runMain(main);
