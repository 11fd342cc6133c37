import { it } from "vitest";
import { chunkBlocks } from "@/lib/ingest/chunker";
import { countTokens } from "@/lib/text/tokens";
it("p", () => {
  const s = (n: number, w: number, p: string) => Array.from({ length: n }, (_, i) => `${p} ${i + 1} ${"care ".repeat(w).trim()}.`);
  const first = s(7, 8, "First").join(" ");
  const second = s(6, 8, "Second").join(" ");
  console.log(countTokens(first), countTokens(second));
  const chunks = chunkBlocks({ blocks: [{ kind: "paragraph", text: first }, { kind: "paragraph", text: second }], sizeTokens: 100, overlapTokens: 0 });
  for (const c of chunks) console.log(c.tokenCount, JSON.stringify(c.text));
  // number-leading sentences
  const a = "7 " + "care ".repeat(6).trim() + ".";
  const b = "2024 " + "care ".repeat(47).trim() + ".";
  const c2 = "9 " + "care ".repeat(3).trim() + ".";
  console.log(countTokens(a), countTokens(b), countTokens(`${a} ${b}`));
  const ch = chunkBlocks({ blocks: [{ kind: "paragraph", text: [ "Intro " + "care ".repeat(40).trim() + ".", a, b, c2].join(" ") }], sizeTokens: 60, overlapTokens: 10 });
  for (const c of ch) console.log(c.tokenCount, JSON.stringify(c.text.slice(0, 40)));
});
