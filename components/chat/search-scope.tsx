import type { ChatScopeData } from "@/lib/chat/types";
import { scopeLabel } from "@/components/chat/message-parts";

/**
 * Says which documents an answer was limited to because the question named them (decision
 * 0010), so that a "no" about "the Q3 Board Report" is not read as a "no" about the library.
 */
export function SearchScope({ documents }: { documents: ChatScopeData["documents"] }) {
  if (documents.length === 0) return null;
  return (
    <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400" data-testid="search-scope">
      {scopeLabel(documents)}
    </p>
  );
}
