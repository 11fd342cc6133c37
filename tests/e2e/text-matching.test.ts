import { describe, expect, it } from "vitest";
import { citingSentences, findIgnoringWhitespace, highlightRanges } from "@/components/chat/passage-highlight";
import { remarkCitations } from "@/components/chat/remark-citations";
import { overlapLength } from "@/components/documents/chunk-view";
import { matchTextItems } from "@/components/documents/pdf-highlight";

/**
 * The text matching the browser tests depend on (passage highlights, citation chips, the PDF
 * text-layer highlight), checked directly and fast, without a browser or a build.
 */

const PASSAGE = "Meals and per diem\n\nThe daily meal allowance for trips abroad is sixty-five\neuros per day. Within the country it is forty euros. Receipts are not needed.";

describe("passage highlights", () => {
  it("finds the answer sentences that cite a source, with markers before or after the period", () => {
    const answer = "_Extractive answer: quoted._\n\n- The daily meal allowance for trips abroad is sixty-five euros per day. [1]\n- Receipts are not needed. [2]\n";
    expect(citingSentences(answer, 1)).toEqual(["The daily meal allowance for trips abroad is sixty-five euros per day."]);
    expect(citingSentences("Abroad it is **65 euros** [1]. At home forty [2]. Receipts are optional. [1, 2]", 2)).toEqual(["At home forty.", "Receipts are optional."]);
  });

  it("highlights quoted sentences verbatim across line breaks", () => {
    const ranges = highlightRanges(PASSAGE, ["The daily meal allowance for trips abroad is sixty-five euros per day."]);
    expect(ranges).toHaveLength(1);
    const [range] = ranges;
    expect(range && PASSAGE.slice(range.start, range.end)).toBe("The daily meal allowance for trips abroad is sixty-five\neuros per day.");
    expect(findIgnoringWhitespace("a  b\nc", "b c")).toEqual({ start: 3, end: 6 });
  });

  it("highlights the passage sentence sharing the most words with a paraphrase, and nothing for an unrelated claim", () => {
    const [range] = highlightRanges(PASSAGE, ["Employees abroad get sixty-five euros a day for meals."]);
    expect(range && PASSAGE.slice(range.start, range.end)).toContain("sixty-five");
    expect(highlightRanges(PASSAGE, ["Parking permits are issued by facilities."])).toEqual([]);
  });
});

describe("citation markers in Markdown", () => {
  interface Node {
    type: string;
    value?: string;
    children?: Node[];
    data?: { hProperties?: { dataCitation?: string } };
  }
  const run = (tree: Node) => {
    remarkCitations()(tree);
    return tree;
  };

  it("turns [n] and [n, m] in text into citation nodes, leaving code and links alone", () => {
    const tree = run({
      type: "root",
      children: [
        { type: "paragraph", children: [{ type: "text", value: "Sixty-five euros [1]. Both [2, 3]." }] },
        {
          type: "paragraph",
          children: [
            { type: "inlineCode", value: "array[1]" },
            { type: "link", children: [{ type: "text", value: "see [4]" }] },
          ],
        },
      ],
    });
    const first = tree.children?.[0]?.children ?? [];
    expect(first.map((node) => node.type)).toEqual(["text", "citation", "text", "citation", "citation", "text"]);
    expect(first.filter((node) => node.type === "citation").map((node) => node.data?.hProperties?.dataCitation)).toEqual(["1", "2", "3"]);
    expect(first[0]?.value).toBe("Sixty-five euros");
    const second = tree.children?.[1]?.children ?? [];
    expect(second.map((node) => node.type)).toEqual(["inlineCode", "link"]);
    expect(second[1]?.children?.[0]?.value).toBe("see [4]");
  });
});

describe("PDF text layer and chunk text", () => {
  it("finds the text items holding a passage despite spacing, hyphenation and punctuation", () => {
    const items = ["Meals and per diem", "The daily meal allow-", "ance for trips abroad is", "sixty-five euros per day.", "Expense reports"];
    expect(matchTextItems(items, "The daily meal allowance for trips abroad is sixty-five euros per day.")).toEqual([1, 2, 3]);
    expect(matchTextItems(items, "Nothing on this page matches this sentence at all.")).toEqual([]);
  });

  it("measures the overlap between consecutive chunks", () => {
    const previous = "First part of the document. The overlapping tail is shared between both chunks.";
    const next = "The overlapping tail is shared between both chunks. Then new text follows.";
    expect(overlapLength(previous, next)).toBe("The overlapping tail is shared between both chunks.".length);
    expect(overlapLength("Completely different text here, long enough to probe.", next)).toBe(0);
  });
});
