import { ExternalHyperlink, HeadingLevel, Paragraph, TextRun } from "docx";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eSkipReason, launchBrowser, screenshots } from "@/tests/e2e/browser";
import { startApp, waitForDocuments, type RunningApp } from "@/tests/support/app-server";
import { buildDocx } from "@/tests/support/fixtures/docx-fixtures";

/**
 * Hostile documents end to end in a real Chromium against the production build: Markdown and
 * DOCX files (and file names) carrying `<script>`, event-handler attributes and `javascript:`
 * links are uploaded, opened in the viewer, searched, and quoted by an extractive chat answer.
 * Every payload would set `window.__xss` or open a dialog; neither may ever happen, no link may
 * point at `javascript:`, and the app's own pages must cause no CSP violation.
 */

const skipReason = e2eSkipReason();
const screenshot = screenshots("xss");
if (skipReason) console.log(`xss e2e: skipped — ${skipReason}`);

const MARKDOWN_NAME = "<img src=x onerror=window.__xss=1>expenses.md";
// No double quote: browsers and undici percent-encode it in multipart file names.
const DOCX_NAME = "'><svg onload=window.__xss=1>badge-policy.docx";

const MARKDOWN = [
  "# Expense deadlines <script>window.__xss = 1; alert('heading')</script>",
  "",
  'Expense reports are due thirty days after the trip <img src=x onerror="window.__xss=1;alert(1)"> ends.',
  "",
  "Receipts for expense reports are uploaded in the [finance portal](javascript:window.__xss=1;alert(2)) before the deadline.",
  "",
  "<script>window.__xss = 1; alert('block')</script>",
  "",
  '<a href="javascript:window.__xss=1">Late expense reports</a> need the approval of the finance director.',
  "",
  '<svg onload="window.__xss=1"><circle r="5"/></svg> <iframe src="javascript:window.parent.__xss=1"></iframe>',
  "",
].join("\n");

async function makeDocx(): Promise<Uint8Array> {
  return buildDocx([
    new Paragraph({ text: "Visitor badge policy <script>window.__xss=1</script>", heading: HeadingLevel.HEADING_1 }),
    new Paragraph({ children: [new TextRun('Visitor badges are returned at the reception desk <img src=x onerror="window.__xss=1;alert(3)"> every evening.')] }),
    new Paragraph({
      children: [
        new TextRun("Lost visitor badges are reported through the "),
        new ExternalHyperlink({ link: "javascript:window.__xss=1;alert(4)", children: [new TextRun({ text: "security form", style: "Hyperlink" })] }),
        new TextRun(" within one hour [click](javascript:window.__xss=1)."),
      ],
    }),
    new Paragraph({ children: [new TextRun('<script>alert(5)</script><a href="javascript:alert(6)">Badge photos</a> are taken by the reception staff.')] }),
  ]);
}

interface Trap {
  dialogs: string[];
  cspViolations: string[];
  pageErrors: string[];
}

/** What every page must show: no payload ran, no javascript: link, no injected element. */
async function expectInert(page: Page, trap: Trap): Promise<void> {
  // Give event handlers (onerror fires after a failed load) a moment to run if they were live.
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(trap.dialogs).toEqual([]);
  const injected = await page.evaluate(() => ({
    javascriptLinks: [...document.querySelectorAll("a[href], area[href], iframe[src], form[action]")]
      .map((element) => element.getAttribute("href") ?? element.getAttribute("src") ?? element.getAttribute("action") ?? "")
      .filter((url) => /^\s*javascript:/i.test(url)),
    handlers: [...document.querySelectorAll("[onerror], [onload], [onclick]")].length,
    hostileElements: [...document.querySelectorAll("main img[src='x'], main svg[onload], main iframe")].length,
    // Next's own inline scripts carry the page data (payloads included) as JSON strings: data, not code.
    scripts: [...document.querySelectorAll("script")].map((script) => (script.textContent ?? "").trim()).filter((text) => !/^\(?self\.__next_f/.test(text) && /__xss ?=/.test(text))
      .length,
  }));
  expect(injected).toEqual({ javascriptLinks: [], handlers: 0, hostileElements: 0, scripts: 0 });
}

describe.skipIf(skipReason !== null)("hostile documents in the browser (production build, extractive mode)", () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const trap: Trap = { dialogs: [], cspViolations: [], pageErrors: [] };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startApp({ environment: { OPENAI_API_KEY: "", OPENAI_BASE_URL: "", CHAT_MODEL: "", EMBEDDING_PROVIDER: "local" } });
    const body = new FormData();
    body.append("file", new Blob([MARKDOWN], { type: "text/markdown" }), MARKDOWN_NAME);
    body.append("file", new Blob([new Uint8Array(await makeDocx())]), DOCX_NAME);
    const response = await fetch(`${app.baseUrl}/api/documents`, { method: "POST", body });
    expect(response.status).toBe(202);
    const uploaded = (await response.json()) as { documents: { id: string; name: string }[] };
    const final = await waitForDocuments({ baseUrl: app.baseUrl, ids: uploaded.documents.map((document) => document.id), timeoutMs: 300_000 });
    for (const document of Object.values(final)) expect(document.status, JSON.stringify(document)).toBe("ready");
    for (const document of uploaded.documents) ids[document.name.endsWith(".md") ? "markdown" : "docx"] = document.id;

    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.addInitScript(() => {
      const violations: string[] = [];
      (window as unknown as { __cspViolations: string[] }).__cspViolations = violations;
      document.addEventListener("securitypolicyviolation", (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    page = await context.newPage();
    page.on("dialog", (dialog) => {
      trap.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("pageerror", (error) => trap.pageErrors.push(error.message));
    page.on("console", (message) => {
      if (/content security policy/i.test(message.text())) trap.cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("lists the hostile file names as text in the library", async () => {
    await page.goto(`${app.baseUrl}/library`);
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=document-row][data-status=ready]").length === 2);
    const names = await page.getByTestId("document-name").allTextContents();
    expect(names.sort()).toEqual([DOCX_NAME, MARKDOWN_NAME].sort());
    await screenshot(page, "library");
    await expectInert(page, trap);
  });

  it("shows the Markdown payloads as inert text in the viewer", async () => {
    await page.goto(`${app.baseUrl}/documents/${ids.markdown ?? ""}`);
    await page.locator("[data-testid=document-chunk]").first().waitFor();
    const text = (await page.getByTestId("text-document").textContent()) ?? "";
    expect(text).toContain('<img src=x onerror="window.__xss=1;alert(1)">');
    expect(text).toContain("[finance portal](javascript:window.__xss=1;alert(2))");
    expect(await page.getByTestId("document-title").textContent()).toBe(MARKDOWN_NAME);
    await screenshot(page, "markdown-viewer");
    await expectInert(page, trap);
  });

  it("shows the DOCX payloads as inert text, and its javascript: hyperlink as plain text", async () => {
    await page.goto(`${app.baseUrl}/documents/${ids.docx ?? ""}`);
    await page.locator("[data-testid=document-chunk]").first().waitFor();
    const text = (await page.getByTestId("text-document").textContent()) ?? "";
    expect(text).toContain('<img src=x onerror="window.__xss=1;alert(3)">');
    expect(text).toContain("security form");
    expect(await page.getByTestId("text-document").locator("a").count()).toBe(0);
    await screenshot(page, "docx-viewer");
    await expectInert(page, trap);
  });

  it("returns search results as JSON that the browser never renders as a page", async () => {
    const results = await page.evaluate(async () => {
      const response = await fetch("/api/search", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "visitor badges returned at the reception desk", threshold: 0 }),
      });
      return {
        status: response.status,
        type: response.headers.get("content-type"),
        nosniff: response.headers.get("x-content-type-options"),
        body: (await response.json()) as { results: { text: string }[] },
      };
    });
    expect(results.status).toBe(200);
    expect(results.type).toContain("application/json");
    expect(results.nosniff).toBe("nosniff");
    expect(results.body.results.map((result) => result.text).join("\n")).toContain("onerror=");

    // Opened directly, an API answer with payloads is shown as JSON text.
    await page.goto(`${app.baseUrl}/api/documents/${ids.docx ?? ""}/chunks`);
    expect(await page.evaluate(() => document.body.textContent ?? "")).toContain("onerror");
    await expectInert(page, trap);
  });

  it("sends the security headers on pages, API answers and static assets", async () => {
    const html = await fetch(`${app.baseUrl}/library`);
    const script = /<script[^>]+src="([^"]+)"/.exec(await html.text())?.[1] ?? "";
    expect(script).not.toBe("");
    for (const response of [html, await fetch(`${app.baseUrl}/api/health`), await fetch(new URL(script, app.baseUrl))]) {
      const policy = response.headers.get("content-security-policy") ?? "";
      for (const directive of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"]) expect(policy).toContain(directive);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
      await response.arrayBuffer().catch(() => undefined);
    }
    const api = await fetch(`${app.baseUrl}/api/documents`);
    expect(api.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await api.arrayBuffer();
  });

  it("gives every page view one strict CSP with a fresh nonce, carried by all of Next's scripts", async () => {
    const nonces: string[] = [];
    for (const path of ["/library", "/library", `/documents/${ids.markdown ?? ""}`, "/no-such-page"]) {
      const response = await fetch(`${app.baseUrl}${path}`);
      const header = response.headers.get("content-security-policy") ?? "";
      // Several CSP headers would be joined with commas; a policy itself has none.
      expect(header.split(","), `${path}: ${header}`).toHaveLength(1);
      const scriptSources = /(?:^|;)\s*script-src ([^;]+)/.exec(header)?.[1]?.trim().split(/\s+/) ?? [];
      expect(scriptSources, path).not.toContain("'unsafe-inline'");
      expect(scriptSources, path).toContain("'strict-dynamic'");
      const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(scriptSources.find((source) => source.startsWith("'nonce-")) ?? "")?.[1] ?? "";
      expect(Buffer.from(nonce, "base64"), path).toHaveLength(16);
      nonces.push(nonce);
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const script of scripts) expect(script, path).toContain(`nonce="${nonce}"`);
    }
    expect(new Set(nonces).size).toBe(nonces.length);

    // API answers and build assets keep the static policy, also exactly one.
    const api = await fetch(`${app.baseUrl}/api/documents`);
    expect((api.headers.get("content-security-policy") ?? "").split(",")).toHaveLength(1);
    expect(api.headers.get("content-security-policy")).toContain("default-src 'self'");
    await api.arrayBuffer();
  });

  it("serves the stored files as sandboxed downloads with their own type and nosniff", async () => {
    for (const [kind, id] of Object.entries(ids)) {
      const response = await fetch(`${app.baseUrl}/api/documents/${id}/file`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(
        kind === "markdown" ? "text/markdown; charset=utf-8" : "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      );
      expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename\*=UTF-8''/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      const policies = (response.headers.get("content-security-policy") ?? "").split(",").map((policy) => policy.trim());
      // The file's own sandbox policy, and only that one.
      expect(policies, response.headers.get("content-security-policy") ?? "").toEqual(["default-src 'none'; sandbox; frame-ancestors 'none'"]);
      await response.arrayBuffer();
    }
  });

  it("quotes the hostile passages in an extractive answer without running anything", async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByTestId("question-input").fill("When are expense reports due after the trip, and where are receipts uploaded?");
    await page.getByTestId("question-input").press("Enter");
    await page.locator("[data-testid=assistant-message]:not([data-streaming]) [data-testid=citation-chip]").first().waitFor({ timeout: 120_000 });
    const answer = (await page.getByTestId("answer-text").textContent()) ?? "";
    expect(answer).toContain("thirty days after the trip");
    // The quoted Markdown link to javascript: is shown as its text, never as a link.
    expect(answer).toContain("finance portal");
    expect(await page.getByTestId("answer-text").locator("a").count()).toBe(0);
    await page.getByTestId("citation-chip").first().click();
    await page.getByTestId("source-panel").getByTestId("passage-highlight").first().waitFor();
    expect(await page.getByTestId("source-panel").textContent()).toContain("onerror=");
    await screenshot(page, "chat-answer");
    await expectInert(page, trap);

    // The same after a reload of the stored conversation.
    await page.waitForURL(/\/chat\//);
    await page.reload();
    await page.getByTestId("citation-chip").first().waitFor();
    await expectInert(page, trap);
  });

  it("caused no CSP violation and no page error on the app's own pages", async () => {
    await page.goto(`${app.baseUrl}/library`);
    await page.locator("[data-testid=document-row]").first().waitFor();
    const violations = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
    expect([...trap.cspViolations, ...violations]).toEqual([]);
    expect(trap.pageErrors).toEqual([]);
  });
});
