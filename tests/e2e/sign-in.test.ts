import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startApp, type RunningApp } from "@/tests/support/app-server";
import { e2eSkipReason, launchBrowser, screenshots } from "@/tests/e2e/browser";

/**
 * Signing in and out in a real Chromium with AUTH_TOKEN set: an anonymous visit lands on the
 * sign-in page, a wrong token is refused in place, the right one returns to the page asked for,
 * and "Sign out" ends the session.
 */

const TOKEN = "browser-test-access-token-42";
const skipReason = e2eSkipReason();
const screenshot = screenshots("sign-in");
if (skipReason) console.log(`sign-in e2e: skipped — ${skipReason}`);

describe.skipIf(skipReason !== null)("sign-in in a browser (production build, AUTH_TOKEN set)", () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp({ environment: { AUTH_TOKEN: TOKEN } });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("sends an anonymous visitor to the sign-in page", async () => {
    await page.goto(`${app.baseUrl}/library`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/library");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    await screenshot(page, "sign-in", { dark: true });
  });

  it("refuses a wrong token in place", async () => {
    await page.getByLabel("Access token").fill("not-the-right-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    const error = page.locator("#sign-in-error");
    await error.waitFor();
    expect(await error.getAttribute("role")).toBe("alert");
    expect(await error.textContent()).toContain("not valid");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await screenshot(page, "sign-in-refused");
  });

  it("signs in and returns to the page asked for", async () => {
    await page.getByLabel("Access token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/library");
    await page.getByRole("heading", { name: "Your library is empty" }).waitFor();
    const cookie = (await page.context().cookies()).find((candidate) => candidate.name === "cited_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    await screenshot(page, "signed-in");
  });

  it("signs out from the header", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname === "/sign-in");
    await page.goto(`${app.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(pageErrors).toEqual([]);
  });
});
