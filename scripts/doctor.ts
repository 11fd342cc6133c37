/**
 * `npm run doctor [-- --repair]`: reports (and repairs) drift between the registry, the stored
 * files and Chroma for the DATA_DIR in the environment. Exit code 1 when unrepaired drift remains.
 */
import { runDoctor } from "@/lib/maintenance/doctor";
import { setLogLevel } from "@/lib/logger";
import { getAppServices } from "@/lib/server/app-services";
import { runMain } from "./support/cli";

async function main(): Promise<number> {
  const repair = process.argv.includes("--repair");
  const services = getAppServices();
  setLogLevel("warn");
  const report = await runDoctor({ services, repair });
  console.log(`Checked ${report.documents} document(s) (${report.readyDocuments} ready) and ${report.vectorsChecked} vector(s) in ${services.config.dataDirectory}`);
  if (report.drift.length === 0) console.log("No drift: registry, files and vectors agree.");
  for (const drift of report.drift) {
    console.log(`  ${drift.repaired ? "repaired" : "found   "} ${drift.kind.padEnd(20)} ${drift.detail}`);
  }
  if (repair) await services.queue.whenIdle();
  await services.shutdown();
  const unrepaired = report.drift.filter((drift) => !drift.repaired && drift.kind !== "unfinished_document");
  return unrepaired.length > 0 ? 1 : 0;
}

runMain(main);
