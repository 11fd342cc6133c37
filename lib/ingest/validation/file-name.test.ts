import { describe, expect, it } from "vitest";
import { MAX_FILE_NAME_LENGTH, fileExtension, sanitizeFileName } from "@/lib/ingest/validation";

/** The value `action` throws, or undefined when it returns normally. */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("sanitizeFileName", () => {
  it("keeps an ordinary name unchanged", () => {
    expect(sanitizeFileName("Employee Handbook 2024.pdf")).toBe("Employee Handbook 2024.pdf");
  });

  it("keeps only the last path segment for both separators", () => {
    expect(sanitizeFileName("../../etc/passwd.pdf")).toBe("passwd.pdf");
    expect(sanitizeFileName("C:\\Users\\ana\\Desktop\\report.docx")).toBe("report.docx");
    expect(sanitizeFileName("folder/sub\\mixed/notes.md")).toBe("notes.md");
    expect(sanitizeFileName("reports/q3.pdf/")).toBe("q3.pdf");
  });

  it("removes NUL bytes", () => {
    expect(sanitizeFileName("a\u0000b.pdf")).toBe("ab.pdf");
  });

  it("removes C0, DEL and C1 control characters", () => {
    expect(sanitizeFileName("be\u0007ll\u007f\u009b.txt")).toBe("bell.txt");
  });

  it("turns line breaks and tabs into single spaces", () => {
    expect(sanitizeFileName("Quarterly\r\n\tReport.pdf")).toBe("Quarterly Report.pdf");
  });

  it("removes bidi override and isolate characters that could disguise the extension", () => {
    expect(sanitizeFileName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    expect(sanitizeFileName("\u2066a\u2067b\u2068c\u2069\u202A\u202B\u202C\u202D.md")).toBe("abc.md");
  });

  it("normalises to NFC", () => {
    const decomposed = "Cafe\u0301.md";
    expect(sanitizeFileName(decomposed)).toBe("Caf\u00e9.md");
  });

  it("drops unpaired surrogates", () => {
    expect(sanitizeFileName("x\uD800y.txt")).toBe("xy.txt");
    expect(sanitizeFileName("emoji \u{1F600}.txt")).toBe("emoji \u{1F600}.txt");
  });

  it("collapses whitespace and strips leading dots and spaces", () => {
    expect(sanitizeFileName("   my    notes .md  ")).toBe("my notes .md");
    expect(sanitizeFileName("...hidden.txt")).toBe("hidden.txt");
    expect(sanitizeFileName(". . .x.pdf")).toBe("x.pdf");
  });

  it("caps long names at the maximum length and keeps the extension", () => {
    const sanitized = sanitizeFileName(`${"a".repeat(300)}.pdf`);
    expect(Array.from(sanitized).length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
    expect(sanitized).toBe(`${"a".repeat(MAX_FILE_NAME_LENGTH - 4)}.pdf`);
  });

  it("counts characters, not UTF-16 units, and never splits a surrogate pair", () => {
    const sanitized = sanitizeFileName(`${"\u{1F4C4}".repeat(300)}.docx`);
    expect(Array.from(sanitized)).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(sanitized.endsWith(".docx")).toBe(true);
    expect(Buffer.from(sanitized, "utf8").toString("utf8")).toBe(sanitized);
  });

  it("truncates a name whose 'extension' is itself huge without keeping it whole", () => {
    const sanitized = sanitizeFileName(`notes.${"x".repeat(300)}`);
    expect(Array.from(sanitized)).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(sanitized.startsWith("notes.")).toBe(true);
  });

  it.each(["..", "../", "/", "\\", "", "   ", ". .", "\u0000\u0001", "\u202E", "a/.."])("rejects %j with upload.invalid_name", (rawName) => {
    expect(thrownBy(() => sanitizeFileName(rawName))).toMatchObject({ code: "upload.invalid_name" });
  });
});

describe("fileExtension", () => {
  it("returns the lower-case extension without the dot", () => {
    expect(fileExtension("Report.PDF")).toBe("pdf");
    expect(fileExtension("archive.tar.gz")).toBe("gz");
    expect(fileExtension("dir.v2/readme")).toBe("");
  });

  it("treats a leading dot as part of the name, not an extension", () => {
    expect(fileExtension(".env")).toBe("");
    expect(fileExtension("README")).toBe("");
    expect(fileExtension("trailing.")).toBe("");
  });
});
