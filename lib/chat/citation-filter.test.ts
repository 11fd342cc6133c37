import { describe, expect, it } from "vitest";
import { CitationFilter, citedNumbers, filterCitations } from "@/lib/chat/citation-filter";

/** Feeds deltas one by one and returns the emitted text after each push, plus the flush. */
function stream(deltas: string[], sourceCount: number): { emitted: string[]; flushed: string; text: string } {
  const filter = new CitationFilter(sourceCount);
  const emitted = deltas.map((delta) => filter.push(delta));
  const flushed = filter.flush();
  return { emitted, flushed, text: emitted.join("") + flushed };
}

describe("CitationFilter", () => {
  it("passes text without brackets straight through", () => {
    const { emitted, flushed } = stream(["Employees get ", "twenty days."], 3);
    expect(emitted).toEqual(["Employees get ", "twenty days."]);
    expect(flushed).toBe("");
  });

  it("holds back a marker split across deltas until it is complete", () => {
    const { emitted, text } = stream(["Twenty days [", "2", "] and more."], 3);
    expect(emitted).toEqual(["Twenty days ", "", "[2] and more."]);
    expect(text).toBe("Twenty days [2] and more.");
  });

  it("handles a marker split inside a list", () => {
    expect(stream(["A [1", ", ", "3", "] B"], 3).text).toBe("A [1][3] B");
  });

  it("keeps valid numbers of a list and normalises it to separate markers", () => {
    expect(filterCitations("Both [1,3] and [2, 3].", 3)).toBe("Both [1][3] and [2][3].");
    expect(filterCitations("Repeated [2, 2].", 3)).toBe("Repeated [2].");
  });

  it("drops numbers that match no source", () => {
    expect(filterCitations("True [1]. Invented [7]. Zero [0].", 3)).toBe("True [1]. Invented . Zero .");
    expect(filterCitations("Mixed [1, 9].", 2)).toBe("Mixed [1].");
    expect(filterCitations("Nothing valid [4, 5].", 3)).toBe("Nothing valid .");
  });

  it("drops every citation when there are no sources", () => {
    expect(filterCitations("Claim [1].", 0)).toBe("Claim .");
  });

  it("keeps brackets that are not citations", () => {
    const text = "See [see note], option [a], a link [docs](https://example.com), a box [ ] and [1234].";
    expect(filterCitations(text, 3)).toBe(text);
    expect(stream(["See [", "see", " note] then [", "a]"], 3).text).toBe("See [see note] then [a]");
  });

  it("releases a held-back bracket as soon as it cannot be a citation", () => {
    const filter = new CitationFilter(3);
    expect(filter.push("Option [")).toBe("Option ");
    expect(filter.push("b")).toBe("[b");
    expect(filter.push("] done")).toBe("] done");
  });

  it("flushes an unfinished marker verbatim at the end of the stream", () => {
    const filter = new CitationFilter(3);
    expect(filter.push("Cut off [1")).toBe("Cut off ");
    expect(filter.flush()).toBe("[1");
    expect(filter.flush()).toBe("");
  });

  it("gives up waiting on a very long run of numbers", () => {
    const long = `[${Array.from({ length: 12 }, (_, index) => index + 1).join(", ")}`;
    const filter = new CitationFilter(3);
    const emitted = filter.push(long);
    expect(emitted.startsWith("[")).toBe(true);
    expect(emitted + filter.flush()).toBe(long);
  });

  it("produces the same text however the deltas are cut", () => {
    const text = "Plan [1] covers [2,5] dental [see below] care [9] for [3].";
    const expected = filterCitations(text, 3);
    expect(expected).toBe("Plan [1] covers [2] dental [see below] care  for [3].");
    for (let size = 1; size <= 6; size += 1) {
      const deltas: string[] = [];
      for (let index = 0; index < text.length; index += size) deltas.push(text.slice(index, index + size));
      expect(stream(deltas, 3).text).toBe(expected);
    }
  });
});

describe("citedNumbers", () => {
  it("lists distinct citation numbers in order of first use", () => {
    expect(citedNumbers("A [2] B [1] C [2] D [see note]")).toEqual([2, 1]);
    expect(citedNumbers("No citations.")).toEqual([]);
  });
});

describe("CitationFilter on hostile text (issue 16)", () => {
  // Before, the pattern for a citation still arriving backtracked exponentially on commas and
  // spaces: this text never finished (2^60 ways to share out the spaces).
  const crafted = `[1${" ,".repeat(30)}${" ".repeat(30)}x`;

  it("finishes on a long run of commas and spaces after a bracket and keeps the text", () => {
    expect(filterCitations(crafted, 3)).toBe(crafted);
    expect(stream([...crafted], 3).text).toBe(crafted);
  });

  it("still holds back every form of a citation in progress", () => {
    for (const partial of ["[", "[1", "[12", "[1,", "[1 ,", "[1, ", "[1, 2", "[1 , 23 "]) {
      const filter = new CitationFilter(30);
      expect(filter.push(`A ${partial}`), partial).toBe("A ");
      expect(filter.push("] B"), partial).toMatch(/ B$/);
    }
  });
});
