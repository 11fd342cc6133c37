import { NextResponse } from "next/server";
import { apiHandler } from "@/lib/http/api-handler";
import { getAppServices } from "@/lib/server/app-services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler("/api/conversations", () => Promise.resolve(NextResponse.json({ conversations: getAppServices().conversations.list() })));
