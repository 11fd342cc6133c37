import type { ChatScopeData } from "@/lib/contracts/chat-message";
import { scopeLabel } from "@/components/chat/message-parts";

/**
 * Says which documents an answer preferred because the question named them (decision 0010), so
 * that a reader knows why the named documents' pages lead.
 */
export function SearchScope({ documents }: { documents: ChatScopeData["documents"] }) {
  if (documents.length === 0) return null;
  return (
    <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400" data-testid="search-scope">
      {scopeLabel(documents)}
    </p>
  );
}
