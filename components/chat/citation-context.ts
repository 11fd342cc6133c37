"use client";

import { createContext, useContext } from "react";
import type { ChatSourceData } from "@/lib/contracts/chat-message";

/** What a citation chip needs from the answer it sits in: that answer's sources and how to open one. */
export interface CitationContextValue {
  messageId: string;
  sources: ReadonlyMap<number, ChatSourceData>;
  activeIndex: number | null;
  open: (index: number, trigger: HTMLElement) => void;
}

export const CitationContext = createContext<CitationContextValue | null>(null);

export function useCitationContext(): CitationContextValue | null {
  return useContext(CitationContext);
}
