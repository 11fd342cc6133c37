#!/usr/bin/env node
// `npm start`: builds the production app when no build exists, then runs `next start`.
// Next reads PORT itself (default 3000). Signals are forwarded so the app can stop its
// embedded Chroma server with SIGINT before exiting.
// The listening address is chosen here (scripts/bind-address.mjs): without AUTH_TOKEN only
// 127.0.0.1. This launcher reads AUTH_TOKEN and HOST itself because it runs before the app and
// its validated configuration (lib/config.ts) exist. HOSTNAME is deliberately ignored: shells
// and containers set it to the machine's name.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chooseBindAddress, extractHostnameArgument } from "./bind-address.mjs";

const projectRoot = path.resolve(import.meta.dirname, "..");
const nextBinary = createRequire(path.join(projectRoot, "package.json")).resolve("next/dist/bin/next");

function run(arguments_, environment = process.env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [nextBinary, ...arguments_], { cwd: projectRoot, stdio: "inherit", env: environment });
    const forward = (signal) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const { hostname: requestedHost, rest: startArguments } = extractHostnameArgument(process.argv.slice(2));
const bind = chooseBindAddress({ authToken: process.env.AUTH_TOKEN, requested: requestedHost ?? process.env.HOST });
if (bind.error) {
  console.error(bind.error);
  process.exit(1);
}

if (!existsSync(path.join(projectRoot, "dist", "parse-worker.mjs"))) {
  // The parser's worker-thread bundle (seconds to build); see scripts/build-workers.mjs.
  const workersCode = await new Promise((resolve) => {
    spawn(process.execPath, [path.join(projectRoot, "scripts", "build-workers.mjs")], { cwd: projectRoot, stdio: "inherit" }).on("exit", (code) => resolve(code ?? 1));
  });
  if (workersCode !== 0) process.exit(workersCode);
}
if (!existsSync(path.join(projectRoot, ".next", "BUILD_ID"))) {
  console.log("[cited] no production build found; running `next build` first (about a minute)…");
  const buildCode = await run(["build"]);
  if (buildCode !== 0) process.exit(buildCode);
}
console.log(bind.notice);
// The app derives its default ALLOWED_HOSTS from the address it listens on (lib/config.ts).
process.exit(await run(["start", "--hostname", bind.hostname, ...startArguments], { ...process.env, HOST: bind.hostname }));
