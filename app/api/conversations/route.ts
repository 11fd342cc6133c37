import { NextResponse } from "next/server";
import { handleErrors } from "@/lib/http/responses";
import { getAppServices } from "@/lib/server/app-services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleErrors(() => Promise.resolve(NextResponse.json({ conversations: getAppServices().conversations.list() })));
