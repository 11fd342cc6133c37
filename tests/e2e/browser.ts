import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser, type JSHandle, type Page } from "playwright-core";
import { hasProductionBuild } from "@/tests/support/app-server";

/**
 * Browser plumbing for the end-to-end tests: the system Chromium (Playwright cannot download
 * its own browser offline), screenshots into test-results/ (kept by CI), and real drag-and-drop
 * with a DataTransfer built inside the page.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const projectRoot = path.resolve(import.meta.dirname, "..", "..");
export const SCREENSHOT_DIRECTORY = path.join(projectRoot, "test-results", "screenshots");

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Why the browser tests cannot run here, or null when they can. */
export function e2eSkipReason(): string | null {
  if (!hasChromium()) return `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (!hasProductionBuild()) return "no production build (run `npm run build` first; `npm test` does)";
  return null;
}

export async function launchBrowser(): Promise<Browser> {
  // chromium.launch gives every run a fresh temporary profile (its own --user-data-dir).
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Returns a function saving numbered screenshots into test-results/screenshots/<group>/;
 * with `dark`, the page is captured again under prefers-color-scheme: dark.
 */
export function screenshots(group: string) {
  let counter = 0;
  const directory = path.join(SCREENSHOT_DIRECTORY, group);
  return async (page: Page, name: string, options: { dark?: boolean; fullPage?: boolean } = {}): Promise<void> => {
    await fs.mkdir(directory, { recursive: true });
    counter += 1;
    const prefix = String(counter).padStart(2, "0");
    const fullPage = options.fullPage ?? false;
    await page.screenshot({ path: path.join(directory, `${prefix}-${name}.png`), fullPage });
    if (options.dark) {
      await page.emulateMedia({ colorScheme: "dark" });
      // Let colour transitions (buttons, links) finish, or the capture catches them half-way.
      await page.waitForTimeout(400);
      await page.screenshot({ path: path.join(directory, `${prefix}-${name}-dark.png`), fullPage });
      await page.emulateMedia({ colorScheme: "light" });
    }
  };
}

export interface FilePayload {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** A DataTransfer created in the page, holding Files built from bytes sent from the test. */
export async function dataTransferWith(page: Page, files: FilePayload[]): Promise<JSHandle<DataTransfer>> {
  const payload = files.map((file) => ({ name: file.name, type: file.type, base64: Buffer.from(file.bytes).toString("base64") }));
  return page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const binary = atob(item.base64);
      const bytes = new Uint8Array(binary.length);
      for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
      transfer.items.add(new File([bytes], item.name, { type: item.type }));
    }
    return transfer;
  }, payload);
}

/** Drags files over `selector` and drops them there, with the events a real drag fires. */
export async function dropFiles(page: Page, selector: string, files: FilePayload[], options: { beforeDrop?: () => Promise<void> } = {}): Promise<void> {
  const dataTransfer = await dataTransferWith(page, files);
  await page.dispatchEvent(selector, "dragenter", { dataTransfer });
  await page.dispatchEvent(selector, "dragover", { dataTransfer });
  await options.beforeDrop?.();
  await page.dispatchEvent(selector, "drop", { dataTransfer });
  await dataTransfer.dispose();
}
