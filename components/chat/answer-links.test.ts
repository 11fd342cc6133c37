import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { libraryHref } from "@/components/chat/answer-links";
import { AnswerMarkdown } from "@/components/chat/answer-markdown";

/**
 * Issue 16: a document can make a model (or the extractive quote) write a link that sends the
 * library away in one click. Links in answers are text unless they point into the library.
 */

const render = (text: string) => renderToStaticMarkup(createElement(AnswerMarkdown, { text }));

describe("links in answers", () => {
  it("renders a link to another site as plain text that shows its full address", () => {
    const html = render("See [the policy](https://evil.example/collect?d=secret%20salary) for details [1].");
    expect(html).not.toMatch(/<a\b/);
    expect(html).toContain("the policy");
    expect(html).toContain("(https://evil.example/collect?d=secret%20salary)");
  });

  it("renders bare URLs, reference links and protocol-relative links as text too", () => {
    for (const text of ["Visit https://evil.example/x now.", "[here][r]\n\n[r]: http://evil.example/r", "[x](//evil.example/y)", "<mailto:someone@evil.example>"]) {
      expect(render(text), text).not.toMatch(/<a\b/);
    }
  });

  it("keeps links into the library itself clickable", () => {
    const html = render("Open [the handbook](/documents/abc?page=3) or jump to [notes](#notes).");
    expect(html).toContain('<a href="/documents/abc?page=3"');
    expect(html).toContain('<a href="#notes"');
    expect(libraryHref("/library")).toBe("/library");
    expect(libraryHref("https://evil.example")).toBeUndefined();
  });
});
