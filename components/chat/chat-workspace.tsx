"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { AnswerMode, CitedUIMessage } from "@/lib/contracts/chat-message";
import type { ConversationSummary } from "@/lib/storage/conversation-store";
import { ChatThread } from "@/components/chat/chat-thread";
import { ConversationList } from "@/components/chat/conversation-list";
import { ModeBadge } from "@/components/chat/mode-badge";
import { newChatId, sourcesOf, textOf } from "@/components/chat/message-parts";
import { NEW_CHAT_EVENT, chatIdFromPath } from "@/components/chat/new-chat-event";
import { citingSentences } from "@/components/chat/passage-highlight";
import { ScopePicker, type ScopeDocument } from "@/components/chat/scope-picker";
import { SourcePanel, type SourceSelection } from "@/components/chat/source-panel";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Drawer } from "@/components/ui/drawer";
import { MenuIcon, SpinnerIcon } from "@/components/ui/icons";
import { apiErrorMessage } from "@/components/ui/format";

interface Session {
  id: string;
  messages: CitedUIMessage[];
  /** Set while a conversation picked in the sidebar is being fetched. */
  loading?: boolean;
  error?: string;
}

interface ChatWorkspaceProps {
  /** A stored conversation (at /chat/<id>), or null for a new chat (at /). */
  initialChat: { id: string; messages: CitedUIMessage[] } | null;
  initialConversations: ConversationSummary[];
  initialDocuments: ScopeDocument[];
  answerMode: { mode: AnswerMode; model: string | null };
}

const TITLE_LENGTH = 80;

/**
 * The chat page: conversation sidebar, the thread, and the source panel. Switching conversations
 * happens here on the client (with the URL kept in step through the History API), so an answer
 * that is streaming or just finished is never torn down by a navigation.
 */
export function ChatWorkspace({ initialChat, initialConversations, initialDocuments, answerMode }: ChatWorkspaceProps) {
  // The chat id is made on the client and sent as `id`; the server stores the conversation under it.
  const [session, setSession] = useState<Session>(() => initialChat ?? { id: newChatId(), messages: [] });
  const [conversations, setConversations] = useState(initialConversations);
  const [documents, setDocuments] = useState(initialDocuments);
  const [scope, setScope] = useState<string[]>([]);
  const [selection, setSelection] = useState<SourceSelection | null>(null);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [pendingDelete, setPendingDelete] = useState<ConversationSummary | null>(null);
  const [deleting, setDeleting] = useState(false);
  const openerRef = useRef<HTMLElement | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  const refreshConversations = useCallback(async (ensure?: ConversationSummary) => {
    try {
      const response = await fetch("/api/conversations", { cache: "no-store" });
      if (!response.ok) return;
      const body = (await response.json()) as { conversations: ConversationSummary[] };
      // The answer's conversation may be stored a moment after its stream ends; keep it listed meanwhile.
      const list = ensure && !body.conversations.some((conversation) => conversation.id === ensure.id) ? [ensure, ...body.conversations] : body.conversations;
      setConversations(list);
    } catch {
      // The sidebar is a convenience; a failed refresh keeps the current list.
    }
  }, []);

  const refreshDocuments = useCallback(async () => {
    try {
      const response = await fetch("/api/documents", { cache: "no-store" });
      if (!response.ok) return;
      const body = (await response.json()) as { documents: ScopeDocument[] };
      setDocuments(body.documents.map(({ id, name, kind, status }) => ({ id, name, kind, status })));
    } catch {
      // Keep the list we have.
    }
  }, []);

  const startNewChat = useCallback(() => {
    setSession({ id: newChatId(), messages: [] });
    setSelection(null);
    setDrawerOpen(false);
    if (window.location.pathname !== "/") window.history.pushState(null, "", "/");
    requestAnimationFrame(() => inputRef.current?.focus());
  }, []);

  const loadConversation = useCallback(async (id: string, options: { push: boolean }) => {
    setSelection(null);
    setDrawerOpen(false);
    setSession({ id, messages: [], loading: true });
    if (options.push) window.history.pushState(null, "", `/chat/${encodeURIComponent(id)}`);
    try {
      const response = await fetch(`/api/conversations/${encodeURIComponent(id)}`, { cache: "no-store" });
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        setSession({ id: newChatId(), messages: [], error: apiErrorMessage(body, "This conversation could not be loaded.") });
        return;
      }
      setSession({ id, messages: (body as { messages: CitedUIMessage[] }).messages });
    } catch {
      setSession({ id, messages: [], error: "The server could not be reached to load this conversation." });
    }
  }, []);

  // Back/forward between chats, and "Chat" in the header, are handled here rather than by the router.
  useEffect(() => {
    const onPopState = () => {
      const routeId = chatIdFromPath(window.location.pathname);
      if (routeId === null) startNewChat();
      else if (routeId !== undefined) void loadConversation(routeId, { push: false });
    };
    window.addEventListener("popstate", onPopState);
    window.addEventListener(NEW_CHAT_EVENT, startNewChat);
    return () => {
      window.removeEventListener("popstate", onPopState);
      window.removeEventListener(NEW_CHAT_EVENT, startNewChat);
    };
  }, [startNewChat, loadConversation]);

  const onAnswered = useCallback(
    (conversationId: string, firstQuestion: string) => {
      if (window.location.pathname !== `/chat/${conversationId}`) window.history.replaceState(null, "", `/chat/${encodeURIComponent(conversationId)}`);
      const now = new Date().toISOString();
      const title = firstQuestion.replace(/\s+/g, " ").trim().slice(0, TITLE_LENGTH) || "New conversation";
      const optimistic: ConversationSummary = { id: conversationId, title, createdAt: now, updatedAt: now, messageCount: 2 };
      setConversations((current) => [optimistic, ...current.filter((conversation) => conversation.id !== conversationId)]);
      setTimeout(() => void refreshConversations(optimistic), 400);
    },
    [refreshConversations],
  );

  const onOpenSource = useCallback((message: CitedUIMessage, index: number, trigger: HTMLElement) => {
    const source = sourcesOf(message).find((candidate) => candidate.index === index);
    if (!source) return;
    openerRef.current = trigger;
    setSelection({ messageId: message.id, source, claims: citingSentences(textOf(message), index) });
  }, []);

  const closeSource = useCallback(() => {
    setSelection(null);
    // Focus returns to the chip or card that opened the panel.
    const opener = openerRef.current;
    if (opener?.isConnected) requestAnimationFrame(() => opener.focus());
  }, []);

  const confirmDelete = async () => {
    if (!pendingDelete) return;
    const conversation = pendingDelete;
    setDeleting(true);
    try {
      const response = await fetch(`/api/conversations/${encodeURIComponent(conversation.id)}`, { method: "DELETE" });
      if (response.ok || response.status === 404) {
        setConversations((current) => current.filter((item) => item.id !== conversation.id));
        if (conversation.id === session.id) startNewChat();
      }
    } finally {
      setDeleting(false);
      setPendingDelete(null);
    }
  };

  const activeId = conversations.some((conversation) => conversation.id === session.id) ? session.id : null;
  const title = conversations.find((conversation) => conversation.id === session.id)?.title ?? "New chat";
  const readyIds = new Set(documents.filter((document) => document.status === "ready").map((document) => document.id));
  const effectiveScope = scope.filter((id) => readyIds.has(id));

  const list = (
    <ConversationList
      conversations={conversations}
      activeId={activeId}
      onNewChat={startNewChat}
      onSelect={(id) => {
        if (id === session.id) setDrawerOpen(false);
        else void loadConversation(id, { push: true });
      }}
      onDelete={setPendingDelete}
    />
  );

  return (
    <div className="flex h-[calc(100dvh-var(--header-height))] overflow-hidden">
      <aside aria-label="Chat history" className="hidden w-64 shrink-0 border-r border-zinc-200 bg-zinc-50 lg:block dark:border-zinc-800 dark:bg-zinc-900/40">
        {list}
      </aside>
      <Drawer open={drawerOpen} onClose={() => setDrawerOpen(false)} label="Chat history">
        {list}
      </Drawer>

      <main id="main" className="flex min-w-0 flex-1 flex-col">
        <div className="flex h-12 shrink-0 items-center gap-2 border-b border-zinc-200 px-3 sm:px-4 dark:border-zinc-800">
          <button
            type="button"
            onClick={() => setDrawerOpen(true)}
            className="rounded-md p-1.5 text-zinc-600 hover:bg-zinc-100 lg:hidden dark:text-zinc-400 dark:hover:bg-zinc-800"
            aria-label="Show chat history"
          >
            <MenuIcon className="size-5" />
          </button>
          <p className="min-w-0 flex-1 truncate text-sm font-medium" data-testid="chat-title">
            {title}
          </p>
          <ModeBadge mode={answerMode.mode} model={answerMode.model} />
        </div>

        {session.loading ? (
          <div className="grid flex-1 place-items-center text-sm text-zinc-500" role="status">
            <span className="flex items-center gap-2">
              <SpinnerIcon /> Loading conversation…
            </span>
          </div>
        ) : (
          <>
            {session.error && (
              <p role="alert" className="mx-auto mt-4 max-w-3xl rounded-lg bg-red-50 px-4 py-2 text-sm text-red-800 dark:bg-red-950/40 dark:text-red-200">
                {session.error}
              </p>
            )}
            <ChatThread
              key={session.id}
              chatId={session.id}
              initialMessages={session.messages}
              scope={effectiveScope}
              readyDocumentCount={readyIds.size}
              activeSource={selection ? { messageId: selection.messageId, index: selection.source.index } : null}
              onOpenSource={onOpenSource}
              onAnswered={onAnswered}
              inputRef={inputRef}
              composerFooter={<ScopePicker documents={documents} selected={scope} onChange={setScope} onRefresh={() => void refreshDocuments()} />}
            />
          </>
        )}
      </main>

      <SourcePanel selection={selection} onClose={closeSource} />

      <ConfirmDialog
        open={pendingDelete !== null}
        title="Delete this conversation?"
        confirmLabel="Delete conversation"
        destructive
        busy={deleting}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setPendingDelete(null)}
      >
        <p>“{pendingDelete?.title}” and its answers are removed. The documents it cited stay in the library.</p>
      </ConfirmDialog>
    </div>
  );
}
