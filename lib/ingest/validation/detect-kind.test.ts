import { describe, expect, it } from "vitest";
import { ALLOWED_EXTENSIONS, ALLOWED_EXTENSIONS_TEXT, FILE_INPUT_ACCEPT, kindFromExtension } from "@/lib/ingest/validation";

describe("kindFromExtension", () => {
  it.each([
    ["manual.pdf", "pdf"],
    ["Policy.DOCX", "docx"],
    ["notes.md", "markdown"],
    ["notes.markdown", "markdown"],
    ["log.txt", "text"],
    ["log.TEXT", "text"],
  ] as const)("maps %s to %s", (name, kind) => {
    expect(kindFromExtension(name)).toBe(kind);
  });

  it.each(["setup.exe", "old.doc", "sheet.xlsx", "README", ".pdf", "x.constructor", "x.__proto__", "x.toString"])("does not accept %s", (name) => {
    expect(kindFromExtension(name)).toBeUndefined();
  });

  it("lists every accepted extension for messages", () => {
    expect(ALLOWED_EXTENSIONS).toEqual(["pdf", "docx", "md", "markdown", "txt", "text"]);
    expect(ALLOWED_EXTENSIONS_TEXT).toBe(".pdf, .docx, .md, .markdown, .txt or .text");
  });

  it("gives the file picker every accepted extension and each kind's media type", () => {
    expect(FILE_INPUT_ACCEPT).toBe(
      ".pdf,.docx,.md,.markdown,.txt,.text,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/markdown,text/plain",
    );
  });
});
