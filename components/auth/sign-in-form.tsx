"use client";

import { useState, type FormEvent } from "react";

/** The access-token form; on success the browser loads `next` with its new session cookie. */
export function SignInForm({ next }: { next: string }) {
  const [error, setError] = useState<string | undefined>();
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get("token");
    const token = typeof value === "string" ? value : "";
    setPending(true);
    setError(undefined);
    try {
      const response = await fetch("/api/auth/sign-in", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token }),
      });
      if (response.ok) {
        // A full load, so every server-rendered part sees the new session.
        window.location.assign(next);
        return;
      }
      const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
      setError(body?.error?.message ?? "Signing in failed. Try again.");
    } catch {
      setError("The server could not be reached. Try again.");
    }
    setPending(false);
  }

  return (
    <form onSubmit={(event) => void submit(event)} className="mt-6 space-y-4" noValidate>
      <div>
        <label htmlFor="token" className="block text-sm font-medium text-zinc-700 dark:text-zinc-300">
          Access token
        </label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "sign-in-error" : undefined}
          className="mt-1 block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-indigo-400 focus:ring-2 focus:ring-indigo-500/20 dark:border-zinc-700 dark:bg-zinc-900 dark:focus:border-indigo-500"
        />
      </div>
      {error && (
        <p id="sign-in-error" role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700 disabled:bg-zinc-300 disabled:text-zinc-500 dark:disabled:bg-zinc-800 dark:disabled:text-zinc-500"
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
