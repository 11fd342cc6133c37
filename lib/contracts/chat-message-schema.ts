import { z } from "zod";
import type { CitedUIMessage } from "@/lib/contracts/chat-message";

/**
 * The shape of a stored chat message, checked part by part whenever one is read: a message
 * stored by an older version, or planted before client turns stopped being stored as they came
 * (issue 16), must not break the conversation it is in. A part that does not match is dropped,
 * the rest of the message is kept.
 */

const place = {
  documentId: z.string(),
  documentName: z.string(),
  chunkId: z.string(),
  page: z.number().int().nullable(),
  pageStart: z.number().int().nullable(),
  pageEnd: z.number().int().nullable(),
  section: z.string().nullable(),
  documentDeleted: z.boolean().optional(),
};

const partSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string(), state: z.enum(["streaming", "done"]).optional() }),
  z.object({ type: z.literal("data-source"), id: z.string().optional(), data: z.object({ ...place, index: z.number().int().min(1), text: z.string() }) }),
  z.object({
    type: z.literal("data-related"),
    id: z.string().optional(),
    data: z.object({ passages: z.array(z.object({ ...place, excerpt: z.string(), score: z.number() })) }),
  }),
  z.object({ type: z.literal("data-scope"), id: z.string().optional(), data: z.object({ documents: z.array(z.object({ documentId: z.string(), documentName: z.string() })) }) }),
  z.object({ type: z.literal("source-document"), sourceId: z.string(), mediaType: z.string(), title: z.string(), filename: z.string().optional() }),
  z.object({ type: z.literal("step-start") }),
]);

const metadataSchema = z.object({
  conversationId: z.string().optional(),
  mode: z.enum(["openai", "openai-compatible", "extractive"]).optional(),
  model: z.string().nullable().optional(),
  createdAt: z.string().optional(),
});

const envelopeSchema = z.object({
  id: z.string().min(1),
  role: z.enum(["user", "assistant"]),
  metadata: z.unknown().optional(),
  parts: z.array(z.unknown()),
});

/** `raw` as a message with only its well-formed parts, or undefined when nothing of it is usable. */
export function validStoredMessage(raw: unknown): CitedUIMessage | undefined {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return undefined;
  const parts = envelope.data.parts.flatMap((part) => {
    const parsed = partSchema.safeParse(part);
    return parsed.success ? [parsed.data] : [];
  });
  if (parts.length === 0) return undefined;
  const metadata = envelope.data.metadata === undefined ? undefined : metadataSchema.safeParse(envelope.data.metadata);
  return { id: envelope.data.id, role: envelope.data.role, ...(metadata?.success ? { metadata: metadata.data } : {}), parts };
}
