import "server-only";
import type { ChatPassagePlace, CitedUIMessage } from "@/lib/contracts/chat-message";
import { AppError } from "@/lib/errors";
import type { ConversationStore, ConversationSummary } from "@/lib/storage/conversation-store";
import type { DocumentReader } from "@/lib/storage/registry-types";

/** What loading a conversation reads (lib/server/app-services.ts wires it). */
export interface ConversationDependencies {
  conversations: Pick<ConversationStore, "get">;
  registry: Pick<DocumentReader, "getDocument">;
}

/** A stored conversation with its messages; citations and closest passages of deleted documents are marked as such. */
export function loadConversation(services: ConversationDependencies, id: string): { conversation: ConversationSummary; messages: CitedUIMessage[] } {
  const stored = services.conversations.get(id);
  if (!stored) throw new AppError("conversation.not_found", "No conversation has this id.");
  const existing = new Map<string, boolean>();
  const exists = (documentId: string) => {
    if (!existing.has(documentId)) existing.set(documentId, services.registry.getDocument(documentId) !== undefined);
    return existing.get(documentId) === true;
  };
  const marked = <Place extends ChatPassagePlace>(place: Place): Place => (exists(place.documentId) ? place : { ...place, documentDeleted: true });
  const messages = stored.messages.map((message) => ({
    ...message,
    parts: message.parts.map((part) => {
      if (part.type === "data-source") return { ...part, data: marked(part.data) };
      if (part.type === "data-related") return { ...part, data: { passages: part.data.passages.map(marked) } };
      return part;
    }),
  }));
  return { conversation: stored.conversation, messages };
}
