import { describe, expect, it } from "vitest";
import { WINDOWS_PER_PASSAGE, parseVectorId, vectorIdFor, windowIndexFor } from "@/lib/vector-store/vector-id";

describe("vector ids", () => {
  it("encode chunk, passage and window so a match needs no metadata", () => {
    const id = vectorIdFor("0b6f3c1e-doc:12", windowIndexFor(7, 1));
    expect(id).toBe(`0b6f3c1e-doc:12:${7 * WINDOWS_PER_PASSAGE + 1}`);
    expect(parseVectorId(id)).toEqual({ chunkId: "0b6f3c1e-doc:12", documentId: "0b6f3c1e-doc", windowIndex: 7001, passageIndex: 7 });
  });

  it("decode ids written before passages as passage 0 of the chunk", () => {
    expect(parseVectorId("doc:3:4")).toEqual({ chunkId: "doc:3", documentId: "doc", windowIndex: 4, passageIndex: 0 });
  });

  it("reject malformed ids and too many windows", () => {
    expect(parseVectorId("nonsense")).toBeUndefined();
    expect(parseVectorId("doc:x:1")).toBeUndefined();
    expect(parseVectorId("doc:1:-1")).toBeUndefined();
    expect(parseVectorId(":1:2")).toBeUndefined();
    expect(() => windowIndexFor(0, WINDOWS_PER_PASSAGE)).toThrow();
  });
});
