import { describe, expect, it } from "vitest";
import { LINE_END_HYPHEN, resolveLineEndHyphens } from "./line-end-hyphens";

const mark = (left: string, right: string) => `${left}${LINE_END_HYPHEN}${right}`;

describe("resolveLineEndHyphens", () => {
  it("closes the word up when the document writes it closed elsewhere", () => {
    expect(resolveLineEndHyphens(["Some services need preauthorization.", `Ask for ${mark("pre", "authorization")} early.`])).toEqual([
      "Some services need preauthorization.",
      "Ask for preauthorization early.",
    ]);
  });

  it("keeps the hyphen when the document writes the compound with one elsewhere", () => {
    expect(resolveLineEndHyphens([`Choose an ${mark("in", "network")} doctor.`, "In-network providers cost less."])).toEqual([
      "Choose an in-network doctor.",
      "In-network providers cost less.",
    ]);
  });

  it("follows the spelling the document uses more often", () => {
    const texts = ["pre-existing", "pre-existing", "preexisting", mark("pre", "existing")];
    expect(resolveLineEndHyphens(texts)[3]).toBe("pre-existing");
  });

  it("keeps the hyphen of a compound that continues past the line end", () => {
    expect(resolveLineEndHyphens([`An ${mark("out-of", "network")} provider.`])).toEqual(["An out-of-network provider."]);
  });

  it("keeps the hyphen between two words the document uses on their own, joins a split word", () => {
    const texts = ["The bone is anchored.", `A ${mark("bone", "anchored")} aid.`, `An ${mark("exam", "ple")} of a word.`];
    expect(resolveLineEndHyphens(texts).slice(1)).toEqual(["A bone-anchored aid.", "An example of a word."]);
  });

  it("leaves texts without marks alone and never lets a mark through", () => {
    expect(resolveLineEndHyphens(["plain text", "no-marks-here"])).toEqual(["plain text", "no-marks-here"]);
    expect(resolveLineEndHyphens([`stray ${LINE_END_HYPHEN} mark`])).toEqual(["stray  mark"]);
  });
});
