import { describe, expect, it } from "vitest";
import type { DocumentView } from "@/lib/domain/document-view";
import { initialLibraryState, libraryReducer, upsert, type LibraryAction, type LibraryState } from "@/components/library/library-state";
import type { UploadItem } from "@/components/library/upload-list";

function documentView(id: string, change: Partial<DocumentView> = {}): DocumentView {
  return {
    id,
    name: `${id}.pdf`,
    kind: "pdf",
    sizeBytes: 100,
    sha256: id.padEnd(64, "0"),
    status: "ready",
    needsReindex: false,
    progress: { chunksEmbedded: 1, chunksTotal: 1 },
    pageCount: 1,
    chunkCount: 1,
    embeddingModel: "model",
    title: null,
    error: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    indexedAt: "2026-01-01T00:00:00.000Z",
    ...change,
  };
}

function upload(key: string, change: Partial<UploadItem> = {}): UploadItem {
  return { key, name: `${key}.md`, size: 10, progress: 0, phase: "uploading", ...change };
}

const reduce = (state: LibraryState, ...actions: LibraryAction[]) => actions.reduce(libraryReducer, state);

describe("libraryReducer", () => {
  it("starts with the server's documents and nothing else going on", () => {
    const state = initialLibraryState([documentView("a")]);
    expect(state.documents.map((document) => document.id)).toEqual(["a"]);
    expect(state).toMatchObject({
      uploads: [],
      query: "",
      sortKey: "newest",
      dragActive: false,
      pendingDelete: null,
      deleting: false,
      notice: null,
      announcement: "",
      reindexingAll: false,
    });
    expect(state.busyIds.size).toBe(0);
  });

  it("puts a new batch of uploads first and clears the last notice", () => {
    const state = reduce(
      initialLibraryState([]),
      { type: "notice-changed", notice: "old problem" },
      { type: "uploads-started", uploads: [upload("u1")] },
      { type: "uploads-started", uploads: [upload("u2"), upload("u3")] },
    );
    expect(state.uploads.map((item) => item.key)).toEqual(["u2", "u3", "u1"]);
    expect(state.notice).toBeNull();
  });

  it("moves an accepted upload into the documents and keeps a refused one with its message", () => {
    const started = reduce(initialLibraryState([documentView("a")]), { type: "uploads-started", uploads: [upload("u1"), upload("u2")] });
    const progressed = libraryReducer(started, { type: "upload-progressed", key: "u1", change: { progress: 1, phase: "checking" } });
    expect(progressed.uploads[0]).toMatchObject({ key: "u1", progress: 1, phase: "checking" });
    const settled = reduce(
      progressed,
      { type: "upload-accepted", key: "u1", document: documentView("b") },
      { type: "upload-refused", key: "u2", name: "u2.md", message: "Not UTF-8." },
    );
    expect(settled.documents.map((document) => document.id)).toEqual(["b", "a"]);
    expect(settled.uploads).toEqual([{ ...upload("u2"), phase: "refused", message: "Not UTF-8." }]);
    expect(settled.announcement).toBe("u2.md was refused: Not UTF-8.");
    expect(libraryReducer(settled, { type: "refused-uploads-dismissed" }).uploads).toEqual([]);
    expect(libraryReducer(settled, { type: "upload-dismissed", key: "u2" }).uploads).toEqual([]);
  });

  it("replaces a document in place and adds an unknown one first", () => {
    const documents = [documentView("a"), documentView("b")];
    expect(upsert(documents, documentView("b", { status: "failed" })).map((document) => [document.id, document.status])).toEqual([
      ["a", "ready"],
      ["b", "failed"],
    ]);
    expect(upsert(documents, documentView("c")).map((document) => document.id)).toEqual(["c", "a", "b"]);
  });

  it("tracks reindex requests per document", () => {
    const state = reduce(
      initialLibraryState([]),
      { type: "reindex-changed", id: "a", busy: true },
      { type: "reindex-changed", id: "b", busy: true },
      { type: "reindex-changed", id: "a", busy: false },
    );
    expect([...state.busyIds]).toEqual(["b"]);
  });

  it("deletes through the dialog: asked, started, removed with an announcement, closed", () => {
    const a = documentView("a");
    const asked = reduce(initialLibraryState([a, documentView("b")]), { type: "delete-asked", document: a }, { type: "delete-started" });
    expect(asked).toMatchObject({ pendingDelete: a, deleting: true });
    const done = reduce(asked, { type: "document-deleted", document: a }, { type: "delete-ended" });
    expect(done.documents.map((document) => document.id)).toEqual(["b"]);
    expect(done).toMatchObject({ pendingDelete: null, deleting: false, announcement: "a.pdf was deleted." });
    expect(libraryReducer(libraryReducer(done, { type: "delete-asked", document: a }), { type: "delete-asked", document: null }).pendingDelete).toBeNull();
  });

  it("keeps the same state when the drag state does not change", () => {
    const state = initialLibraryState([]);
    expect(libraryReducer(state, { type: "drag-changed", active: false })).toBe(state);
    expect(libraryReducer(state, { type: "drag-changed", active: true }).dragActive).toBe(true);
  });

  it("takes the filter, the sort, a refreshed list and the reindex-all flag as given", () => {
    const state = reduce(
      initialLibraryState([]),
      { type: "query-changed", query: "policy" },
      { type: "sort-changed", sortKey: "size" },
      { type: "documents-loaded", documents: [documentView("z")] },
      { type: "reindex-all-changed", active: true },
      { type: "announced", announcement: "z.pdf is ready." },
    );
    expect(state).toMatchObject({ query: "policy", sortKey: "size", reindexingAll: true, announcement: "z.pdf is ready." });
    expect(state.documents.map((document) => document.id)).toEqual(["z"]);
  });
});
