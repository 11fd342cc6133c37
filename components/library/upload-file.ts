import type { DocumentView } from "@/lib/domain/document-view";
import type { ErrorCode } from "@/lib/errors";
import { apiErrorMessage } from "@/components/ui/format";

/** What the server said about one uploaded file. */
export type UploadOutcome = { status: "accepted"; document: DocumentView } | { status: "refused"; code: ErrorCode | "network" | "aborted" | `http.${number}`; message: string };

interface UploadResponseBody {
  results?: { name: string; status: "accepted" | "duplicate" | "rejected"; document?: DocumentView; error?: { code: ErrorCode; message: string } }[];
  error?: { code: ErrorCode; message: string };
}

function parseBody(text: string): UploadResponseBody {
  try {
    return JSON.parse(text) as UploadResponseBody;
  } catch {
    return {};
  }
}

/**
 * Uploads one file in its own request. XMLHttpRequest rather than fetch because only XHR reports
 * upload progress; one request per file gives each file its own progress bar and its own verdict.
 */
export function uploadFile(options: { file: File; onProgress: (fraction: number) => void; signal?: AbortSignal }): Promise<UploadOutcome> {
  const { file, onProgress, signal } = options;
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/api/documents");
    request.responseType = "text";
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      const body = parseBody(String(request.response ?? ""));
      const result = body.results?.[0];
      if (result?.status === "accepted" && result.document) {
        resolve({ status: "accepted", document: result.document });
        return;
      }
      const error = result?.error ?? body.error;
      resolve({
        status: "refused",
        code: error?.code ?? `http.${request.status}`,
        message: error?.message ?? apiErrorMessage(body, `The server refused the file (HTTP ${request.status}).`),
      });
    };
    request.onerror = () => resolve({ status: "refused", code: "network", message: "The upload did not reach the server; check the connection and try again." });
    request.onabort = () => resolve({ status: "refused", code: "aborted", message: "Upload cancelled." });
    signal?.addEventListener("abort", () => request.abort(), { once: true });
    const form = new FormData();
    form.append("file", file, file.name);
    request.send(form);
  });
}
