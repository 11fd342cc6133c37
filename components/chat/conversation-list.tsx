"use client";

import type { ConversationSummary } from "@/lib/storage/conversation-store";
import { PlusIcon, TrashIcon } from "@/components/ui/icons";
import { LocalDate } from "@/components/ui/local-date";

interface ConversationListProps {
  conversations: ConversationSummary[];
  activeId: string | null;
  onNewChat: () => void;
  onSelect: (id: string) => void;
  onDelete: (conversation: ConversationSummary) => void;
}

/** Past conversations, newest first, with "New chat"; entries are real links (open in a new tab works). */
export function ConversationList({ conversations, activeId, onNewChat, onSelect, onDelete }: ConversationListProps) {
  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="p-3">
        <button
          type="button"
          onClick={onNewChat}
          className="flex w-full items-center justify-center gap-2 rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm font-medium shadow-sm hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
          data-testid="new-chat"
        >
          <PlusIcon />
          New chat
        </button>
      </div>
      <nav aria-label="Conversations" className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        <h2 className="px-2 pb-1 pt-2 text-xs font-medium uppercase tracking-wide text-zinc-500">Recent</h2>
        {conversations.length === 0 ? (
          <p className="px-2 py-2 text-sm text-zinc-500">Your questions and answers will be kept here.</p>
        ) : (
          <ul className="space-y-0.5" data-testid="conversation-list">
            {conversations.map((conversation) => {
              const active = conversation.id === activeId;
              return (
                <li key={conversation.id} className="group relative">
                  <a
                    href={`/chat/${encodeURIComponent(conversation.id)}`}
                    aria-current={active ? "page" : undefined}
                    onClick={(event) => {
                      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
                      event.preventDefault();
                      onSelect(conversation.id);
                    }}
                    className={`block rounded-lg py-2 pl-2.5 pr-9 text-sm ${
                      active
                        ? "bg-zinc-200/70 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50"
                        : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800/60"
                    }`}
                    data-testid="conversation-link"
                  >
                    <span className="block truncate">{conversation.title}</span>
                    <span className="block text-xs font-normal text-zinc-500">
                      <LocalDate iso={conversation.updatedAt} style="short" />
                    </span>
                  </a>
                  <button
                    type="button"
                    onClick={() => onDelete(conversation)}
                    aria-label={`Delete conversation “${conversation.title}”`}
                    className="absolute right-1.5 top-1/2 -translate-y-1/2 rounded-md p-1.5 text-zinc-400 hover:bg-zinc-200 hover:text-red-700 focus:opacity-100 lg:opacity-0 lg:group-hover:opacity-100 dark:hover:bg-zinc-700 dark:hover:text-red-300"
                  >
                    <TrashIcon />
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </nav>
    </div>
  );
}
