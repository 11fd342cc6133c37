import { PDFDocument, StandardFonts } from "pdf-lib";
import type { Page } from "playwright-core";

/** Documents generated for the end-to-end tests, and an in-page recorder of what the UI showed. */

export const PDF_NAME = "travel-handbook.pdf";
export const MARKDOWN_NAME = "onboarding.md";
export const CITED_SENTENCE = "The daily meal allowance for trips abroad is sixty-five euros per day.";

export async function makeHandbookPdf(): Promise<Uint8Array> {
  const pages = [
    [
      "Northwind Travel Handbook",
      "This handbook explains how employees plan, book and expense business trips.",
      "It applies to permanent staff and to contractors travelling on company business.",
      "Flights are booked through the internal travel desk at least fourteen days ahead.",
    ],
    [
      "Meals and per diem",
      CITED_SENTENCE,
      "Within the country the daily meal allowance is forty euros per day.",
      "Receipts are not needed for the per diem, but the travel dates must be recorded.",
    ],
    ["Expense reports", "Expense reports must be submitted within thirty days after the trip ends.", "Late reports are approved only by the finance director."],
  ];
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([612, 792]);
    lines.forEach((line, index) => page.drawText(line, { x: 60, y: 720 - index * 22, size: index === 0 ? 16 : 11, font }));
  }
  return pdf.save();
}

export const MARKDOWN = [
  "# Onboarding guide",
  "",
  "## Equipment",
  "",
  "Every new employee receives a laptop and a hardware security key on the first day.",
  "",
  "## Accounts",
  "",
  "The IT desk creates the email and chat accounts before the start date.",
  "",
].join("\n");

export interface Recorded {
  uploads: Record<string, string[]>;
  statuses: Record<string, string[]>;
  sawStreaming: boolean;
  sawStop: boolean;
}

/**
 * Records, from inside the page, what the UI showed at any moment (upload rows with their bars,
 * document statuses, a streaming answer), so short-lived states are observed deterministically.
 */
export function recorderScript() {
  const state: Recorded = { uploads: {}, statuses: {}, sawStreaming: false, sawStop: false };
  (window as unknown as { __recorded: Recorded }).__recorded = state;
  const add = (map: Record<string, string[]>, key: string, value: string) => {
    const list = (map[key] ??= []);
    if (list[list.length - 1] !== value) list.push(value);
  };
  const scan = () => {
    for (const row of document.querySelectorAll<HTMLElement>("[data-testid=upload-row]")) {
      const name = row.querySelector("[data-testid=upload-name]")?.textContent ?? "?";
      add(state.uploads, name, `${row.dataset.phase ?? ""}${row.querySelector("[role=progressbar]") ? "+bar" : ""}`);
    }
    for (const row of document.querySelectorAll<HTMLElement>("[data-testid=document-row]")) {
      const name = row.querySelector("[data-testid=document-name]")?.textContent ?? "?";
      add(state.statuses, name, row.dataset.status ?? "");
    }
    if (document.querySelector("[data-testid=assistant-message][data-streaming]")) state.sawStreaming = true;
    if (document.querySelector("[data-testid=stop-button]")) state.sawStop = true;
  };
  const start = () => new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
}

export async function recorded(page: Page): Promise<Recorded> {
  return page.evaluate(() => (window as unknown as { __recorded: Recorded }).__recorded);
}
