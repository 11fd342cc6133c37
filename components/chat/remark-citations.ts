/**
 * A remark plugin that turns citation markers in text (`[2]`, `[1, 3]`) into `citation` nodes,
 * rendered as <sup data-citation="n"> and then as clickable chips. Working on the Markdown tree
 * rather than on the raw string means markers inside code spans, code blocks and links are left
 * alone, and Markdown around them still parses normally.
 */

interface MarkdownNode {
  type: string;
  value?: string;
  children?: MarkdownNode[];
  data?: Record<string, unknown>;
}

const MARKER = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
/** Nodes whose text must not become buttons: nested interactive content is invalid HTML. */
const SKIP = new Set(["link", "linkReference", "code", "inlineCode", "html"]);

function citationNode(index: number): MarkdownNode {
  return {
    type: "citation",
    data: { hName: "sup", hProperties: { dataCitation: String(index) } },
    children: [{ type: "text", value: String(index) }],
  };
}

function splitText(value: string): MarkdownNode[] {
  const nodes: MarkdownNode[] = [];
  let cursor = 0;
  for (const match of value.matchAll(MARKER)) {
    const start = match.index;
    // A space before the marker would sit between the word and its chip; the chip has its own margin.
    const before = value.slice(cursor, start).replace(/[ \t]+$/, "");
    if (before) nodes.push({ type: "text", value: before });
    for (const number of (match[1] ?? "").split(",")) nodes.push(citationNode(Number.parseInt(number.trim(), 10)));
    cursor = start + match[0].length;
  }
  if (cursor === 0) return [{ type: "text", value }];
  const rest = value.slice(cursor);
  if (rest) nodes.push({ type: "text", value: rest });
  return nodes;
}

function transform(node: MarkdownNode): void {
  if (!node.children || SKIP.has(node.type)) return;
  const children: MarkdownNode[] = [];
  for (const child of node.children) {
    if (child.type === "text" && typeof child.value === "string") children.push(...splitText(child.value));
    else {
      transform(child);
      children.push(child);
    }
  }
  node.children = children;
}

export function remarkCitations() {
  return (tree: MarkdownNode) => transform(tree);
}
