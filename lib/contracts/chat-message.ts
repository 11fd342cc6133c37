import type { UIMessage } from "ai";

/** Where a passage the chat shows is: its document, chunk and page (or section). */
export interface ChatPassagePlace {
  documentId: string;
  documentName: string;
  chunkId: string;
  page: number | null;
  pageStart: number | null;
  pageEnd: number | null;
  section: string | null;
  /** Set when a stored conversation is loaded and the document has been deleted since. */
  documentDeleted?: boolean;
}

/**
 * The public contract of a cited source, sent as a `data-source` part before the answer text.
 * API clients and the UI rely on this exact shape.
 */
export interface ChatSourceData extends ChatPassagePlace {
  index: number;
  text: string;
}

/**
 * A passage close to the question that did not reach the relevance threshold, sent as a
 * `data-related` part when nothing is relevant enough to cite. It is never cited and never quoted
 * as an answer: it lets the reader check a "not in the documents" answer for themselves.
 */
export interface ChatRelatedPassage extends ChatPassagePlace {
  /** The matched passage, as the document has it. */
  excerpt: string;
  /** Calibrated relevance (0–1), under SIMILARITY_THRESHOLD. */
  score: number;
}

export interface ChatRelatedData {
  passages: ChatRelatedPassage[];
}

/**
 * The documents a question names by proper names ("Amazon's Q2 2023 10-Q", "the Travel Policy"),
 * sent as a `data-scope` part: the search prefers them but still reads the whole library
 * (docs/decisions/0010), and the reader is told so.
 */
export interface ChatScopeData {
  documents: { documentId: string; documentName: string }[];
}

export type AnswerMode = "openai" | "openai-compatible" | "extractive";

export interface ChatMessageMetadata {
  conversationId?: string;
  mode?: AnswerMode;
  model?: string | null;
  createdAt?: string;
}

export type ChatDataParts = { source: ChatSourceData; related: ChatRelatedData; scope: ChatScopeData };

/** A chat message as exchanged with `useChat` and stored in conversations. */
export type CitedUIMessage = UIMessage<ChatMessageMetadata, ChatDataParts>;
