import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ChatWorkspace } from "@/components/chat/chat-workspace";
import { loadChatPageData } from "@/app/chat/chat-page-data";
import { loadConversation } from "@/lib/chat/conversation-service";
import { isAppError } from "@/lib/errors";
import { getAppServices } from "@/lib/server/app-services";

export const dynamic = "force-dynamic";

interface ChatPageProps {
  params: Promise<{ id: string }>;
}

function findConversation(id: string) {
  try {
    return loadConversation(getAppServices(), id);
  } catch (error) {
    if (isAppError(error) && error.code === "conversation.not_found") return undefined;
    throw error;
  }
}

export async function generateMetadata({ params }: ChatPageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: findConversation(id)?.conversation.title ?? "Conversation" };
}

export default async function ChatPage({ params }: ChatPageProps) {
  const { id } = await params;
  // Loaded on the server (with deleted documents marked), so a reload shows the answers and citations at once.
  const stored = findConversation(id);
  if (!stored) notFound();
  const data = loadChatPageData();
  return (
    <ChatWorkspace
      key={id}
      initialChat={{ id, messages: stored.messages }}
      initialConversations={data.conversations}
      initialDocuments={data.documents}
      answerMode={data.answerMode}
    />
  );
}
