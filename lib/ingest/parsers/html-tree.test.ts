import { describe, expect, it } from "vitest";
import { decodeEntities, parseHtml } from "@/lib/ingest/parsers/html-tree";

describe("decodeEntities", () => {
  it("decodes named, decimal and hexadecimal references and leaves unknown ones", () => {
    expect(decodeEntities("a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#x27; &#x1F600; &unknown; &nbsp;")).toBe("a & b <c> \"d\" 'e' \u{1F600} &unknown; \u00A0");
    expect(decodeEntities("&#0; &#xD800;")).toBe("\uFFFD \uFFFD");
  });
});

describe("parseHtml", () => {
  it("builds a tree with attributes, void elements and decoded text", () => {
    expect(parseHtml('<p class="x" id=\'y\'>A &amp; B<br />C<img src="" alt=x></p><ol start=3><li>D</li></ol>')).toEqual([
      {
        type: "element",
        name: "p",
        attributes: { class: "x", id: "y" },
        children: [
          { type: "text", text: "A & B" },
          { type: "element", name: "br", attributes: {}, children: [] },
          { type: "text", text: "C" },
          { type: "element", name: "img", attributes: { src: "", alt: "x" }, children: [] },
        ],
      },
      {
        type: "element",
        name: "ol",
        attributes: { start: "3" },
        children: [{ type: "element", name: "li", attributes: {}, children: [{ type: "text", text: "D" }] }],
      },
    ]);
  });

  it("tolerates stray end tags, unclosed elements, comments and script content", () => {
    const tree = parseHtml("<!-- note --></span><div><p>one<script>var x = '<p>';</script></div>two < three");
    expect(tree).toEqual([
      {
        type: "element",
        name: "div",
        attributes: {},
        children: [
          {
            type: "element",
            name: "p",
            attributes: {},
            children: [
              { type: "text", text: "one" },
              { type: "element", name: "script", attributes: {}, children: [] },
            ],
          },
        ],
      },
      { type: "text", text: "two " },
      { type: "text", text: "<" },
      { type: "text", text: " three" },
    ]);
  });
});
