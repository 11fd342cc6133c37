/** Next.js start-up hook: bring up the vector store and resume unfinished indexing at boot. */
export async function register(): Promise<void> {
  // The one place outside lib/config.ts that reads the environment: Next requires this literal
  // check so the bundler can drop the Node-only import from the edge build.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startInstrumentation } = await import("@/lib/server/instrumentation-node");
    await startInstrumentation();
  }
}
