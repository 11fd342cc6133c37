import { NextResponse } from "next/server";
import { apiHandler, otherMethods } from "@/lib/server/api-handler";
import { getAppServices } from "@/lib/server/app-services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler("/api/conversations", () => Promise.resolve(NextResponse.json({ conversations: getAppServices().conversations.list() })));

// Other methods answer 405 after the access check, not before it (lib/server/api-handler.ts).
export const { POST, PUT, PATCH, DELETE } = otherMethods("/api/conversations", ["GET"]);
