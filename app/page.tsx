import Link from "next/link";

export default function HomePage() {
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-semibold">Ask your documents</h1>
      <p className="text-zinc-600 dark:text-zinc-400">
        The chat arrives soon. Meanwhile, add documents in the{" "}
        <Link className="underline" href="/library">
          library
        </Link>{" "}
        and search them through <code>POST /api/search</code>.
      </p>
    </section>
  );
}
