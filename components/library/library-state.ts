import type { DocumentView } from "@/lib/domain/document-view";
import type { UploadItem } from "@/components/library/upload-list";

/**
 * The library page's state and the one reducer that changes it (components/library/document-library.tsx
 * dispatches; the fetches stay there). Pure, so each transition is tested on its own.
 */

export type SortKey = "newest" | "oldest" | "name-asc" | "name-desc" | "size" | "status";

export interface LibraryState {
  documents: DocumentView[];
  uploads: UploadItem[];
  /** The name filter as typed. */
  query: string;
  sortKey: SortKey;
  /** Files are being dragged over the window. */
  dragActive: boolean;
  /** The document the delete dialog asks about. */
  pendingDelete: DocumentView | null;
  deleting: boolean;
  /** Documents with a reindex request in flight. */
  busyIds: ReadonlySet<string>;
  /** A problem shown until dismissed. */
  notice: string | null;
  /** What the screen reader's live region says last. */
  announcement: string;
  reindexingAll: boolean;
}

export type LibraryAction =
  | { type: "documents-loaded"; documents: DocumentView[] }
  | { type: "document-updated"; document: DocumentView }
  | { type: "document-deleted"; document: DocumentView }
  | { type: "uploads-started"; uploads: UploadItem[] }
  | { type: "upload-progressed"; key: string; change: Partial<Pick<UploadItem, "progress" | "phase">> }
  | { type: "upload-accepted"; key: string; document: DocumentView }
  | { type: "upload-refused"; key: string; name: string; message: string }
  | { type: "upload-dismissed"; key: string }
  | { type: "refused-uploads-dismissed" }
  | { type: "query-changed"; query: string }
  | { type: "sort-changed"; sortKey: SortKey }
  | { type: "drag-changed"; active: boolean }
  /** The delete dialog opens for `document`, or closes (null). */
  | { type: "delete-asked"; document: DocumentView | null }
  | { type: "delete-started" }
  | { type: "delete-ended" }
  | { type: "reindex-changed"; id: string; busy: boolean }
  | { type: "reindex-all-changed"; active: boolean }
  | { type: "notice-changed"; notice: string | null }
  | { type: "announced"; announcement: string };

export function initialLibraryState(documents: DocumentView[]): LibraryState {
  return {
    documents,
    uploads: [],
    query: "",
    sortKey: "newest",
    dragActive: false,
    pendingDelete: null,
    deleting: false,
    busyIds: new Set(),
    notice: null,
    announcement: "",
    reindexingAll: false,
  };
}

/** `document` in place of the one with its id, or first when the list does not have it yet. */
export function upsert(documents: DocumentView[], document: DocumentView): DocumentView[] {
  const index = documents.findIndex((existing) => existing.id === document.id);
  if (index === -1) return [document, ...documents];
  return documents.map((existing) => (existing.id === document.id ? document : existing));
}

function withoutUpload(uploads: UploadItem[], key: string): UploadItem[] {
  return uploads.filter((item) => item.key !== key);
}

function changeUpload(uploads: UploadItem[], key: string, change: Partial<UploadItem>): UploadItem[] {
  return uploads.map((item) => (item.key === key ? { ...item, ...change } : item));
}

export function libraryReducer(state: LibraryState, action: LibraryAction): LibraryState {
  switch (action.type) {
    case "documents-loaded":
      return { ...state, documents: action.documents };
    case "document-updated":
      return { ...state, documents: upsert(state.documents, action.document) };
    case "document-deleted":
      return { ...state, documents: state.documents.filter((existing) => existing.id !== action.document.id), announcement: `${action.document.name} was deleted.` };
    case "uploads-started":
      // A new batch clears the last problem: it was about something before.
      return { ...state, notice: null, uploads: [...action.uploads, ...state.uploads] };
    case "upload-progressed":
      return { ...state, uploads: changeUpload(state.uploads, action.key, action.change) };
    case "upload-accepted":
      return { ...state, documents: upsert(state.documents, action.document), uploads: withoutUpload(state.uploads, action.key) };
    case "upload-refused":
      return {
        ...state,
        uploads: changeUpload(state.uploads, action.key, { phase: "refused", message: action.message }),
        announcement: `${action.name} was refused: ${action.message}`,
      };
    case "upload-dismissed":
      return { ...state, uploads: withoutUpload(state.uploads, action.key) };
    case "refused-uploads-dismissed":
      return { ...state, uploads: state.uploads.filter((item) => item.phase !== "refused") };
    case "query-changed":
      return { ...state, query: action.query };
    case "sort-changed":
      return { ...state, sortKey: action.sortKey };
    case "drag-changed":
      return state.dragActive === action.active ? state : { ...state, dragActive: action.active };
    case "delete-asked":
      return { ...state, pendingDelete: action.document };
    case "delete-started":
      return { ...state, deleting: true };
    case "delete-ended":
      return { ...state, deleting: false, pendingDelete: null };
    case "reindex-changed": {
      const busyIds = new Set(state.busyIds);
      if (action.busy) busyIds.add(action.id);
      else busyIds.delete(action.id);
      return { ...state, busyIds };
    }
    case "reindex-all-changed":
      return { ...state, reindexingAll: action.active };
    case "notice-changed":
      return { ...state, notice: action.notice };
    case "announced":
      return { ...state, announcement: action.announcement };
  }
}
