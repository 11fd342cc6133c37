import { z } from "zod";
import { respondToChat } from "@/lib/chat/chat-service";
import type { CitedUIMessage } from "@/lib/contracts/chat-message";
import { parseJsonBody } from "@/lib/http/responses";
import { clientKey } from "@/lib/http/rate-limit";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { getAppServices } from "@/lib/server/app-services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const maxDuration = 120;

const MAXIMUM_MESSAGES = 200;
const MAXIMUM_PART_CHARACTERS = 100_000;

const partSchema = z.looseObject({ type: z.string().max(64) }).superRefine((part, context) => {
  if (part.type === "text" && (typeof part.text !== "string" || part.text.length > MAXIMUM_PART_CHARACTERS)) {
    context.addIssue({ code: "custom", message: `text parts must be strings of at most ${MAXIMUM_PART_CHARACTERS} characters` });
  }
});

const chatRequestSchema = z.object({
  id: z.string().max(200).optional(),
  conversationId: z.string().min(1).max(200).optional(),
  documentIds: z.array(z.string().min(1).max(100)).max(1000).optional(),
  messages: z
    .array(
      z.looseObject({
        id: z.string().min(1).max(200),
        role: z.enum(["user", "assistant", "system"]),
        parts: z.array(partSchema).max(500),
      }),
    )
    .min(1, "at least one message is needed")
    .max(MAXIMUM_MESSAGES, `at most ${MAXIMUM_MESSAGES} messages per request`),
  trigger: z.string().max(64).optional(),
  messageId: z.string().max(200).optional(),
});

export const POST = apiHandler("/api/chat", async (request: Request) => {
  getAppServices().rateLimiters.chats.take(clientKey(request));
  const body = await parseJsonBody(request, chatRequestSchema);
  return respondToChat({
    request: {
      messages: body.messages as unknown as CitedUIMessage[],
      // useChat sends its chat id as `id`; API clients may send `conversationId`.
      conversationId: body.conversationId ?? body.id,
      documentIds: body.documentIds,
      trigger: body.trigger,
    },
    services: getAppServices(),
    signal: request.signal,
  });
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { GET, PUT, PATCH, DELETE } = otherMethods("/api/chat", ["POST"]);
