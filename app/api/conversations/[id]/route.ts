import { NextResponse } from "next/server";
import { loadConversation } from "@/lib/chat/conversation-service";
import { AppError } from "@/lib/errors";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { getAppServices } from "@/lib/server/app-services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

interface Context {
  params: Promise<{ id: string }>;
}

export const GET = apiHandler("/api/conversations/[id]", async (_request: Request, context: Context) => {
  const { id } = await context.params;
  return NextResponse.json(loadConversation(getAppServices(), id));
});

export const DELETE = apiHandler("/api/conversations/[id]", async (_request: Request, context: Context) => {
  const { id } = await context.params;
  if (!getAppServices().conversations.delete(id)) throw new AppError("conversation.not_found", "No conversation has this id.");
  return new NextResponse(null, { status: 204 });
});

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { POST, PUT, PATCH } = otherMethods("/api/conversations/[id]", ["GET", "DELETE"]);
