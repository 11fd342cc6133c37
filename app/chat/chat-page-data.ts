import "server-only";
import type { ScopeDocument } from "@/components/chat/scope-picker";
import { listDocumentViews } from "@/lib/documents/document-service";
import { getAppServices } from "@/lib/server/app-services";

/**
 * What both chat pages render with on the server: the conversation list, the documents for the
 * scope picker, and the answer mode (the same values GET /api/health reports).
 */
export function loadChatPageData() {
  const services = getAppServices();
  const documents: ScopeDocument[] = listDocumentViews(services).map(({ id, name, kind, status }) => ({ id, name, kind, status }));
  return {
    conversations: services.conversations.list(),
    documents,
    answerMode: { mode: services.config.chat.mode, model: services.config.chat.model ?? null },
  };
}
