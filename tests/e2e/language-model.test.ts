import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startApp, waitForDocuments, type RunningApp } from "@/tests/support/app-server";
import { startOpenAITestServer, type OpenAITestServer } from "@/scripts/support/openai-test-server";
import { e2eSkipReason, launchBrowser, screenshots } from "@/tests/e2e/browser";
import { PDF_NAME, makeHandbookPdf, recorded, recorderScript } from "@/tests/e2e/fixtures";

/**
 * The chat with a language model (a scripted OpenAI-compatible server): the model's name as the
 * answer mode, a paraphrased answer streaming in with citation chips, the passage highlight found
 * by shared words, stopping an answer, and a failed answer shown in place and retried.
 */

const skipReason = e2eSkipReason();
if (skipReason) console.log(`language-model e2e: skipped — ${skipReason}`);
const screenshot = screenshots("language-model");
const MODEL = "scripted-model-1";

describe.skipIf(skipReason !== null)("chat with a language model (production build, scripted model server)", () => {
  let model: OpenAITestServer;
  let app: RunningApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    model = await startOpenAITestServer();
    app = await startApp({
      environment: { OPENAI_BASE_URL: model.baseUrl, CHAT_MODEL: MODEL, OPENAI_API_KEY: "", EMBEDDING_PROVIDER: "local", CHAT_MAX_RETRIES: "0" },
    });
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(await makeHandbookPdf())], { type: "application/pdf" }), PDF_NAME);
    const response = await fetch(`${app.baseUrl}/api/documents`, { method: "POST", body: form });
    const body = (await response.json()) as { documents: { id: string }[] };
    await waitForDocuments({ baseUrl: app.baseUrl, ids: body.documents.map((document) => document.id), timeoutMs: 300_000 });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.addInitScript(recorderScript);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await model?.close();
  });

  const ask = async (question: string) => {
    await page.getByTestId("question-input").fill(question);
    await page.getByTestId("question-input").press("Enter");
  };

  it("streams a paraphrased answer with chips and highlights the sentence it relied on", async () => {
    await page.goto(`${app.baseUrl}/`);
    const badge = page.getByTestId("mode-badge");
    expect(await badge.getAttribute("data-mode")).toBe("openai-compatible");
    expect(await badge.textContent()).toContain(MODEL);

    model.enqueue({
      kind: "answer",
      text: "Employees travelling abroad get **sixty-five euros** a day for meals [1]. Inside the country it is forty euros per day [1].",
      chunkSize: 3,
      delayMs: 25,
    });
    await ask("How much is the meal allowance abroad?");
    await page.locator("[data-testid=assistant-message][data-streaming] [data-testid=answer-text]").waitFor({ timeout: 120_000 });
    await screenshot(page, "answer-streaming");
    await page.locator("[data-testid=assistant-message]:not([data-streaming]) [data-testid=citation-chip]").nth(1).waitFor({ timeout: 60_000 });
    const seen = await recorded(page);
    expect(seen.sawStreaming && seen.sawStop).toBe(true);
    expect(await page.getByTestId("answer-text").locator("strong").textContent()).toBe("sixty-five euros");

    await page.getByTestId("citation-chip").first().click();
    const highlights = (await page.getByTestId("source-panel").getByTestId("passage-highlight").allTextContents()).join(" ").replace(/\s+/g, " ");
    expect(highlights).toContain("The daily meal allowance for trips abroad is sixty-five euros per day.");
    expect(highlights).not.toContain("Expense reports");
    await screenshot(page, "answer-with-panel", { dark: true });
    await page.getByRole("button", { name: "Close source" }).click();
  });

  it("stops an answer mid-stream", async () => {
    model.enqueue({ kind: "hang", afterText: "The allowance depends on the destination and" });
    await ask("And what about receipts?");
    await page.getByTestId("stop-button").waitFor({ timeout: 60_000 });
    await page.locator("[data-testid=assistant-message][data-streaming] [data-testid=answer-text]").waitFor({ timeout: 60_000 });
    await page.getByTestId("stop-button").click();
    await page.getByText("Answer stopped.").waitFor();
    expect(await page.getByTestId("stop-button").count()).toBe(0);
    await screenshot(page, "answer-stopped");
  });

  it("shows a failed answer in place and retries it", async () => {
    await page.getByTestId("new-chat").click();
    await page.getByTestId("chat-welcome").waitFor();
    model.enqueue({ kind: "status", status: 500, message: "upstream exploded" });
    await ask("What is the daily meal allowance within the country?");
    const error = page.getByTestId("chat-error");
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toContain("The language model failed to answer");
    await screenshot(page, "answer-failed", { dark: true });

    model.enqueue({ kind: "answer", text: "Within the country the allowance is forty euros per day [1]." });
    await error.getByRole("button", { name: "Retry" }).click();
    await page.getByText("Within the country the allowance is forty euros per day").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("chat-error").count()).toBe(0);
    await screenshot(page, "answer-retried");
  });
});
