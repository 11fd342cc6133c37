import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DocumentRegistry } from "@/lib/storage/registry-types";
import { openSqliteRegistry } from "@/lib/storage/sqlite-registry";
import type { ContractStore } from "@/tests/support/storage-contract/contract-store";

/** A new SQLite registry in a temporary folder, for the contract suites; another handle is another connection to its file. */
export async function openSqliteContractStore(): Promise<ContractStore<DocumentRegistry>> {
  const directory = await mkdtemp(path.join(tmpdir(), "cited-contract-"));
  const file = path.join(directory, "app.db");
  const store = openSqliteRegistry(file);
  return {
    store,
    openAnother: () => openSqliteRegistry(file),
    async dispose() {
      store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
