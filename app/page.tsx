import { ChatWorkspace } from "@/components/chat/chat-workspace";
import { loadChatPageData } from "@/app/chat/chat-page-data";

export const dynamic = "force-dynamic";

export default function NewChatPage() {
  const data = loadChatPageData();
  return <ChatWorkspace initialChat={null} initialConversations={data.conversations} initialDocuments={data.documents} answerMode={data.answerMode} />;
}
