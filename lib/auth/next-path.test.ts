import { describe, expect, it } from "vitest";
import { safeNextPath } from "@/lib/auth/next-path";

describe("safeNextPath", () => {
  it("keeps same-site paths with their query and hash", () => {
    expect(safeNextPath("/library")).toBe("/library");
    expect(safeNextPath("/documents/abc?page=3#p3")).toBe("/documents/abc?page=3#p3");
    expect(safeNextPath("/chat/x/../../library")).toBe("/library");
    // Percent-encoded characters stay encoded: harmless inside a path.
    expect(safeNextPath("/%0a")).toBe("/%0a");
  });

  it.each([
    undefined,
    null,
    "",
    "library",
    "//evil.example/path",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/\n/evil.example",
    "/sign-in",
    "/sign-in?next=/library",
  ])("falls back to the home page for %j", (value) => {
    expect(safeNextPath(value)).toBe("/");
  });

  it("refuses absurdly long values", () => {
    expect(safeNextPath(`/${"a".repeat(5000)}`)).toBe("/");
  });
});
