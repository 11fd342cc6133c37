import { describeKeywordIndexContract } from "@/tests/support/storage-contract/keyword-index-contract";
import { openSqliteContractStore } from "@/tests/support/storage-contract/open-sqlite-store";

// SQLite specifics (bm25() to the bit, one FTS5 read per term, the backfill migration, chats that
// leave the caches alone) are in lib/storage/keyword-index.test.ts.
describeKeywordIndexContract("SQLite registry", openSqliteContractStore);
