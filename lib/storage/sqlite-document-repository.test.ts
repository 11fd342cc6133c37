import { describeDocumentRepositoryContract } from "@/tests/support/storage-contract/document-repository-contract";
import { openSqliteContractStore } from "@/tests/support/storage-contract/open-sqlite-store";

// SQLite specifics (migrations, rows really deleted, constraint messages) are in lib/storage/sqlite-registry.test.ts.
describeDocumentRepositoryContract("SQLite registry", openSqliteContractStore);
