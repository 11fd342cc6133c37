import { NotFoundMessage } from "@/components/ui/not-found-message";

export default function ConversationNotFound() {
  return (
    <NotFoundMessage title="Conversation not found" href="/" linkLabel="Start a new chat">
      It may have been deleted, or the link is incomplete.
    </NotFoundMessage>
  );
}
