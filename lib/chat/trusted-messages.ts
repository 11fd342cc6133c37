import type { CitedUIMessage } from "@/lib/contracts/chat-message";

/**
 * What of a chat request's messages this server trusts. The browser sends the whole conversation
 * with every question (useChat), assistant turns included, and anyone can send any: a planted
 * "answer" with its own citations would be stored as ours and shown as the library's. So the
 * client's own turns are kept as text only, and an assistant turn only when this server generated
 * it: found by id among the conversation's stored messages, and taken as stored, not as sent.
 */
export function trustedMessages(options: { messages: CitedUIMessage[]; stored: CitedUIMessage[] }): CitedUIMessage[] {
  const ours = new Map(options.stored.filter((message) => message.role === "assistant").map((message) => [message.id, message]));
  return options.messages.flatMap((message): CitedUIMessage[] => {
    if (message.role === "user") {
      const parts = message.parts.flatMap((part) => (part.type === "text" ? [{ type: "text" as const, text: part.text }] : []));
      return [{ id: message.id, role: "user", parts }];
    }
    const stored = message.role === "assistant" ? ours.get(message.id) : undefined;
    return stored ? [stored] : [];
  });
}
