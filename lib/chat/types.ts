import type { UIMessage } from "ai";

/**
 * The public contract of a cited source, sent as a `data-source` part before the answer text.
 * API clients and the UI rely on this exact shape.
 */
export interface ChatSourceData {
  index: number;
  documentId: string;
  documentName: string;
  chunkId: string;
  page: number | null;
  pageStart: number | null;
  pageEnd: number | null;
  section: string | null;
  text: string;
  /** Set when a stored conversation is loaded and the cited document has been deleted since. */
  documentDeleted?: boolean;
}

export type AnswerMode = "openai" | "openai-compatible" | "extractive";

export interface ChatMessageMetadata {
  conversationId?: string;
  mode?: AnswerMode;
  model?: string | null;
  createdAt?: string;
}

export type ChatDataParts = { source: ChatSourceData };

/** A chat message as exchanged with `useChat` and stored in conversations. */
export type CitedUIMessage = UIMessage<ChatMessageMetadata, ChatDataParts>;
