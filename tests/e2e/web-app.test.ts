import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startApp, type RunningApp } from "@/tests/support/app-server";
import { dropFiles, e2eSkipReason, launchBrowser, screenshots, type FilePayload } from "@/tests/e2e/browser";
import { CITED_SENTENCE, MARKDOWN, MARKDOWN_NAME, PDF_NAME, makeHandbookPdf, recorded, recorderScript } from "@/tests/e2e/fixtures";

/**
 * The web app end to end in a real Chromium against the production build: drag-and-drop upload,
 * live indexing status, an extractive answer with citations, the passage panel, the PDF viewer at
 * the cited page, refusals, deletion through the dialog, and a stored conversation reloaded.
 */

const skipReason = e2eSkipReason();
const screenshot = screenshots("web-app");
if (skipReason) console.log(`web-app e2e: skipped — ${skipReason}`);

describe.skipIf(skipReason !== null)("web app in a browser (production build, extractive mode)", () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];
  let conversationUrl = "";
  let answerChipCount = 0;

  beforeAll(async () => {
    app = await startApp({ environment: { OPENAI_API_KEY: "", OPENAI_BASE_URL: "", CHAT_MODEL: "", EMBEDDING_PROVIDER: "local" } });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: "light" });
    await context.addInitScript(recorderScript);
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // The security headers' Content-Security-Policy must not block anything the app itself does.
    page.on("console", (message) => {
      if (/content security policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("shows an empty library that tells a new user what to do", async () => {
    const notFound: string[] = [];
    const onResponse = (response: { status: () => number; url: () => string }) => {
      if (response.status() === 404) notFound.push(response.url());
    };
    page.on("response", onResponse);
    await page.goto(`${app.baseUrl}/library`);
    await page.getByRole("heading", { name: "Your library is empty" }).waitFor();
    expect(await page.getByRole("button", { name: "Choose files" }).isVisible()).toBe(true);
    // The app's icon (public/icon.svg) is linked and served: no 404 for it in the console.
    const icon = await page.locator('link[rel="icon"]').getAttribute("href");
    expect(icon).toMatch(/^\/icon\.svg/);
    const iconResponse = await fetch(new URL(icon ?? "", app.baseUrl));
    expect(iconResponse.status).toBe(200);
    expect(iconResponse.headers.get("content-type")).toContain("image/svg+xml");
    page.off("response", onResponse);
    expect(notFound).toEqual([]);
    await screenshot(page, "library-empty", { dark: true });
  });

  it("uploads two dropped files, each with its own progress, and indexes both to ready", async () => {
    const files: FilePayload[] = [
      { name: PDF_NAME, type: "application/pdf", bytes: await makeHandbookPdf() },
      { name: MARKDOWN_NAME, type: "text/markdown", bytes: new TextEncoder().encode(MARKDOWN) },
    ];
    await dropFiles(page, "main", files, {
      beforeDrop: async () => {
        await page.getByText("Drop to add to the library").waitFor();
        await screenshot(page, "library-drag-over");
      },
    });
    await screenshot(page, "library-uploading");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=document-row]").length === 2, null, { timeout: 30_000 });
    await screenshot(page, "library-indexing");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=document-row][data-status=ready]").length === 2, null, { timeout: 300_000 });

    const seen = await recorded(page);
    for (const file of files) {
      // Each file appeared at once as its own upload row with a progress bar…
      expect(seen.uploads[file.name]?.[0]).toBe("uploading+bar");
      // …then as a document going through indexing to ready.
      const statuses = seen.statuses[file.name] ?? [];
      expect(statuses[0]).toMatch(/queued|parsing|embedding/);
      expect(statuses[statuses.length - 1]).toBe("ready");
    }
    const pdfRow = page.locator("[data-testid=document-row]", { hasText: PDF_NAME });
    expect(await pdfRow.locator("td").nth(2).textContent()).toBe("3");
    expect(await pdfRow.textContent()).toContain("all-MiniLM-L6-v2");
    await screenshot(page, "library-ready", { dark: true });
  });

  it("opens a Markdown document with its chunks", async () => {
    await page.getByRole("link", { name: MARKDOWN_NAME }).click();
    await page.waitForURL(/\/documents\//);
    await page.locator("[data-testid=document-chunk]").first().waitFor();
    expect(await page.locator("[data-testid=text-document]").textContent()).toContain("hardware security key");

    // A citation link (?chunk=) highlights that chunk; the chunks API lists them with metadata.
    const documentId = new URL(page.url()).pathname.split("/").pop() ?? "";
    const response = await fetch(`${app.baseUrl}/api/documents/${documentId}/chunks`);
    const { chunks } = (await response.json()) as { chunks: { id: string; chunkIndex: number; text: string; section: string | null; tokenCount: number }[] };
    expect(chunks[0]).toMatchObject({ chunkIndex: 0, section: expect.stringContaining("Onboarding") as unknown });
    expect(chunks[0]?.tokenCount).toBeGreaterThan(0);
    await page.goto(`${app.baseUrl}/documents/${documentId}?chunk=${chunks[0]?.id ?? ""}`);
    await page.locator("[data-testid=document-chunk][data-cited]").waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("document-chunk");
    await screenshot(page, "markdown-document", { dark: true });
  });

  it("answers a question in extractive mode, streaming, with citation chips", async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByRole("heading", { name: "Ask your documents" }).waitFor();
    expect(await page.getByTestId("mode-badge").textContent()).toContain("Extractive mode — no language model configured");
    await screenshot(page, "chat-new", { dark: true });

    await page.getByTestId("question-input").fill("What is the daily meal allowance for trips abroad?");
    await page.getByTestId("question-input").press("Enter");
    await page.locator("[data-testid=user-message]").waitFor();
    await page.locator("[data-testid=assistant-message]:not([data-streaming]) [data-testid=citation-chip]").first().waitFor({ timeout: 120_000 });
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/, { timeout: 10_000 });
    conversationUrl = page.url();

    const seen = await recorded(page);
    expect(seen.sawStreaming || seen.sawStop).toBe(true);
    const answer = (await page.getByTestId("answer-text").textContent()) ?? "";
    expect(answer).toContain("sixty-five euros");
    answerChipCount = await page.getByTestId("citation-chip").count();
    expect(answerChipCount).toBeGreaterThan(0);
    expect(await page.getByTestId("source-card").count()).toBeGreaterThan(0);
    // The new conversation is listed in the sidebar.
    await page.locator("[data-testid=conversation-link][aria-current=page]").waitFor();
    await screenshot(page, "chat-answer", { dark: true });
  });

  it("opens the cited passage with the relied-on sentence highlighted", async () => {
    await page.locator(`[data-testid=citation-chip][aria-label*="${PDF_NAME}"]`).first().click();
    const panel = page.getByTestId("source-panel");
    await panel.waitFor();
    expect(await panel.getByTestId("source-panel-document").textContent()).toBe(PDF_NAME);
    const highlights = await panel.getByTestId("passage-highlight").allTextContents();
    expect(highlights.map((text) => text.replace(/\s+/g, " ")).join(" ")).toContain(CITED_SENTENCE);
    await panel.getByText("Open document at page 2").waitFor();
    await screenshot(page, "source-panel", { dark: true });
  });

  it("opens the PDF at the cited page with the passage highlighted on the text layer", async () => {
    await page.getByTestId("source-panel").getByTestId("open-document").click();
    await page.waitForURL(/\/documents\/[^?]+\?page=2&chunk=/);
    const viewer = page.locator("[data-testid=pdf-page][data-rendered=true]");
    await viewer.waitFor({ timeout: 60_000 });
    expect(await viewer.getAttribute("data-page")).toBe("2");
    expect(await viewer.getAttribute("data-highlight")).toBe("found");
    const highlighted = await page.locator(".textLayer .cited-highlight").allTextContents();
    expect(highlighted.join(" ")).toContain("sixty-five euros");
    expect(await page.locator("[data-testid=chunk-item][aria-current=true]").count()).toBe(1);
    await screenshot(page, "pdf-viewer", { dark: true });
  });

  it('lists the closest passages under a "not in the documents" answer, and opens one in the viewer', async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByRole("heading", { name: "Ask your documents" }).waitFor();
    // The expense-report page is about this in other words ("Expense reports must be submitted
    // within thirty days … Late reports are approved only by the finance director"), and the small
    // model scores it between the closest-passage floor and the threshold (about 0.64).
    await page.getByTestId("question-input").fill("What if I forget to file my costs on time?");
    await page.getByTestId("question-input").press("Enter");
    await page.locator("[data-testid=assistant-message]:not([data-streaming]) [data-testid=answer-text]").waitFor({ timeout: 120_000 });
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/, { timeout: 10_000 });
    const nearMissUrl = page.url();
    expect(await page.getByTestId("answer-text").textContent()).toContain("Nothing in the library answers this clearly enough to cite");
    expect(await page.getByTestId("citation-chip").count()).toBe(0);
    expect(await page.getByTestId("source-card").count()).toBe(0);
    const closest = page.getByTestId("related-passage").first();
    await closest.waitFor();
    expect(await page.getByRole("heading", { name: "Closest passages" }).isVisible()).toBe(true);
    const closestText = (await closest.textContent()) ?? "";
    expect(closestText).toContain(PDF_NAME);
    expect(closestText).toContain("finance director");
    await screenshot(page, "chat-closest-passages", { dark: true });

    await closest.click();
    await page.waitForURL(/\/documents\/[^?]+\?page=\d+&chunk=/);
    const viewer = page.locator("[data-testid=pdf-page][data-rendered=true]");
    await viewer.waitFor({ timeout: 60_000 });
    expect(await viewer.getAttribute("data-page")).toBe(new URL(page.url()).searchParams.get("page"));

    // The later steps count the conversations of the first answer and the scoped chat only.
    const removed = await fetch(`${app.baseUrl}/api/conversations/${new URL(nearMissUrl).pathname.split("/").pop() ?? ""}`, { method: "DELETE" });
    expect(removed.status).toBe(204);
  });

  it("restricts a new chat to chosen documents, and switches back to the first conversation", async () => {
    await page.goto(conversationUrl);
    await page.getByTestId("citation-chip").first().waitFor();
    await page.getByTestId("new-chat").click();
    await page.getByTestId("chat-welcome").waitFor();
    expect(new URL(page.url()).pathname).toBe("/");

    await page.getByTestId("scope-button").click();
    await page.getByRole("group", { name: "Documents to search" }).getByLabel(MARKDOWN_NAME).check();
    expect(await page.getByTestId("scope-button").textContent()).toContain(MARKDOWN_NAME);
    await screenshot(page, "chat-scope-picker", { dark: true });
    await page.keyboard.press("Escape");

    await page.getByTestId("question-input").fill("What is the daily meal allowance for trips abroad?");
    await page.getByTestId("send-button").click();
    await page.locator("[data-testid=assistant-message]:not([data-streaming]) [data-testid=answer-text]").waitFor({ timeout: 120_000 });
    // Only the onboarding guide was searched, and it says nothing about meals.
    expect(await page.getByTestId("answer-text").textContent()).toContain("do not answer this question");
    expect(await page.getByTestId("citation-chip").count()).toBe(0);

    await page.getByTestId("conversation-link").filter({ hasText: "What is the daily meal allowance" }).last().click();
    await page.waitForURL(conversationUrl);
    await page.locator("[data-testid=assistant-message] [data-testid=citation-chip]").first().waitFor();
    expect(await page.getByTestId("citation-chip").count()).toBe(answerChipCount);
  });

  it("refuses a bad file and shows the server's reason next to its name", async () => {
    await page.goto(`${app.baseUrl}/library`);
    await page.locator("[data-testid=document-row]").first().waitFor();
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00]);
    const fakePdf = new TextEncoder().encode("<!doctype html><html><body><script>alert(1)</script></body></html>");
    await dropFiles(page, "main", [
      { name: "setup.exe", type: "application/octet-stream", bytes: exe },
      { name: "invoice.pdf", type: "application/pdf", bytes: fakePdf },
    ]);
    const refused = page.locator("[data-testid=upload-row][data-phase=refused]");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=upload-row][data-phase=refused]").length === 2, null, { timeout: 30_000 });
    for (const name of ["setup.exe", "invoice.pdf"]) {
      const row = refused.filter({ hasText: name });
      const reason = ((await row.getByTestId("upload-error").textContent()) ?? "").trim();
      expect(reason.length).toBeGreaterThan(10);
    }
    expect(await page.locator("[data-testid=document-row]").count()).toBe(2);
    await screenshot(page, "library-refused", { dark: true });
  });

  it("deletes a document after confirming in an accessible dialog", async () => {
    await page.getByRole("button", { name: `Delete ${MARKDOWN_NAME}` }).click();
    const dialog = page.getByRole("dialog", { name: `Delete “${MARKDOWN_NAME}”?` });
    await dialog.waitFor();
    // The safe choice has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await screenshot(page, "delete-dialog", { dark: true });
    await dialog.getByRole("button", { name: "Delete document" }).click();
    await page.waitForFunction((name) => ![...document.querySelectorAll("[data-testid=document-name]")].some((element) => element.textContent === name), MARKDOWN_NAME);
    expect(await page.locator("[data-testid=document-row]").count()).toBe(1);
    const response = await fetch(`${app.baseUrl}/api/documents`);
    const body = (await response.json()) as { documents: { name: string }[] };
    expect(body.documents.map((document) => document.name)).toEqual([PDF_NAME]);
  });

  it("reloads the conversation with its answer and citations", async () => {
    await page.goto(conversationUrl);
    await page.locator("[data-testid=assistant-message] [data-testid=citation-chip]").first().waitFor();
    expect(await page.getByTestId("user-message").textContent()).toContain("daily meal allowance");
    expect(await page.getByTestId("citation-chip").count()).toBe(answerChipCount);
    expect(await page.locator("[data-testid=conversation-link][aria-current=page]").textContent()).toContain("What is the daily meal allowance");
    await page.locator(`[data-testid=citation-chip][aria-label*="${PDF_NAME}"]`).first().click();
    await page.getByTestId("source-panel").getByTestId("passage-highlight").first().waitFor();
    await screenshot(page, "chat-reloaded", { dark: true });
    expect(pageErrors).toEqual([]);
  });

  it("works at phone width", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const mobile = await phone.newPage();
    try {
      await mobile.goto(`${app.baseUrl}/library`);
      await mobile.locator("[data-testid=document-row]").first().waitFor();
      await screenshot(mobile, "phone-library", { dark: true });
      await mobile.goto(conversationUrl);
      await mobile.locator("[data-testid=citation-chip]").first().waitFor();
      await screenshot(mobile, "phone-chat", { dark: true });
      await mobile.locator(`[data-testid=citation-chip][aria-label*="${PDF_NAME}"]`).first().click();
      await mobile.getByRole("dialog").getByTestId("passage-highlight").first().waitFor();
      await screenshot(mobile, "phone-source-sheet", { dark: true });
      await mobile.keyboard.press("Escape");
      await mobile.getByRole("button", { name: "Show chat history" }).click();
      await mobile.getByRole("dialog", { name: "Chat history" }).getByTestId("conversation-link").first().waitFor();
      await screenshot(mobile, "phone-history");
    } finally {
      await phone.close();
    }
  });
  it("deletes a conversation from the sidebar, and marks citations of a deleted document", async () => {
    await page.goto(conversationUrl);
    await page.getByTestId("citation-chip").first().waitFor();
    expect(await page.getByTestId("conversation-link").count()).toBe(2);
    const other = page.locator("li", { has: page.locator("[data-testid=conversation-link]:not([aria-current])") });
    await other.getByRole("button", { name: /^Delete conversation/ }).click();
    const dialog = page.getByRole("dialog", { name: "Delete this conversation?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Delete conversation" }).click();
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=conversation-link]").length === 1);
    const listed = (await (await fetch(`${app.baseUrl}/api/conversations`)).json()) as { conversations: { id: string }[] };
    expect(listed.conversations.map((conversation) => conversation.id)).toEqual([new URL(conversationUrl).pathname.split("/").pop()]);

    const documents = (await (await fetch(`${app.baseUrl}/api/documents`)).json()) as { documents: { id: string }[] };
    for (const document of documents.documents) await fetch(`${app.baseUrl}/api/documents/${document.id}`, { method: "DELETE" });
    await page.reload();
    await page.getByTestId("source-card").first().waitFor();
    expect(await page.getByTestId("source-card").first().textContent()).toContain("Document deleted");
    await page.getByTestId("citation-chip").first().click();
    await page.getByTestId("source-deleted").waitFor();
    expect(await page.getByTestId("open-document").count()).toBe(0);
    await screenshot(page, "chat-deleted-source", { dark: true });
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
