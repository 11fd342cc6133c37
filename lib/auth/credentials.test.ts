import { describe, expect, it } from "vitest";
import { bearerToken, newSessionId, sessionKey, tokenFingerprint, tokensMatch } from "@/lib/auth/credentials";

describe("tokensMatch", () => {
  it("accepts the exact token only", () => {
    expect(tokensMatch("correct-horse-battery", "correct-horse-battery")).toBe(true);
    expect(tokensMatch("correct-horse-batterY", "correct-horse-battery")).toBe(false);
    expect(tokensMatch("correct-horse-battery ", "correct-horse-battery")).toBe(false);
  });

  it("compares tokens of different lengths without throwing", () => {
    expect(tokensMatch("", "correct-horse-battery")).toBe(false);
    expect(tokensMatch("x".repeat(5000), "correct-horse-battery")).toBe(false);
  });
});

describe("session ids", () => {
  it("are 32 random bytes, stored only as a digest", () => {
    const id = newSessionId();
    expect(Buffer.from(id, "base64url")).toHaveLength(32);
    expect(newSessionId()).not.toBe(id);
    expect(sessionKey(id)).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionKey(id)).not.toContain(id);
  });

  it("fingerprint the token without revealing it", () => {
    expect(tokenFingerprint("correct-horse-battery")).toBe(tokenFingerprint("correct-horse-battery"));
    expect(tokenFingerprint("correct-horse-battery")).not.toBe(tokenFingerprint("another-long-token!!"));
    expect(tokenFingerprint("correct-horse-battery")).not.toContain("horse");
  });
});

describe("bearerToken", () => {
  it("reads the token of a Bearer header", () => {
    expect(bearerToken("Bearer abc.def")).toBe("abc.def");
    expect(bearerToken("bearer   abc ")).toBe("abc");
  });

  it("ignores other schemes and empty values", () => {
    expect(bearerToken(null)).toBeUndefined();
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(bearerToken("Bearer ")).toBeUndefined();
    expect(bearerToken("Bearerabc")).toBeUndefined();
  });
});
