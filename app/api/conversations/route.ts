import { NextResponse } from "next/server";
import { withRequestLog } from "@/lib/http/request-log";
import { getAppServices } from "@/lib/server/app-services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withRequestLog("/api/conversations", () => Promise.resolve(NextResponse.json({ conversations: getAppServices().conversations.list() })));
