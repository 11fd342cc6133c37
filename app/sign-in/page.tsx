import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { checkCredentials, getAccessServices } from "@/lib/auth/access-service";
import { safeNextPath } from "@/lib/auth/next-path";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from "@/lib/auth/session-cookie";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  const nextPath = safeNextPath(typeof next === "string" ? next : undefined);
  const services = getAccessServices();
  if (!services.enabled) redirect(nextPath);
  // Either name: this only spares a signed-in visitor the form, it grants nothing.
  const jar = await cookies();
  const sessionId = jar.get(SECURE_SESSION_COOKIE)?.value ?? jar.get(SESSION_COOKIE)?.value;
  if (sessionId && checkCredentials(services, { authorization: undefined, sessionId, client: "sign-in-page" }).status === "authenticated") redirect(nextPath);
  return (
    <main id="main" className="mx-auto grid min-h-[60dvh] max-w-sm place-items-center px-4">
      <div className="w-full">
        <h1 className="text-2xl font-semibold tracking-tight">Sign in</h1>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">This portal is private. Enter the access token your administrator gave you.</p>
        <SignInForm next={nextPath} />
      </div>
    </main>
  );
}
