/**
 * A small, forgiving HTML reader for the well-formed HTML mammoth writes: tags, attributes, text
 * and character references. It is not a general HTML5 parser (no implied end tags, no foreign
 * content); unexpected end tags are ignored and unclosed elements end with their parent.
 */

export interface HtmlElement {
  type: "element";
  name: string;
  attributes: Record<string, string>;
  children: HtmlNode[];
}

export interface HtmlText {
  type: "text";
  text: string;
}

export type HtmlNode = HtmlElement | HtmlText;

const VOID_ELEMENTS = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const RAW_TEXT_ELEMENTS = new Set(["script", "style"]);

const NAMED_REFERENCES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00A0",
  shy: "\u00AD",
  ndash: "\u2013",
  mdash: "\u2014",
  hellip: "\u2026",
  lsquo: "\u2018",
  rsquo: "\u2019",
  ldquo: "\u201C",
  rdquo: "\u201D",
  copy: "\u00A9",
  reg: "\u00AE",
  trade: "\u2122",
  euro: "\u20AC",
};

// Comments, doctype, start/end tags with attributes, or plain text up to the next "<".
const TOKEN = /<!--[\s\S]*?(?:-->|$)|<![^>]*>|<\?[^>]*>|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>|[^<]+|</g;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** Decodes numeric and the common named character references; unknown names stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (reference: string, body: string) => {
    if (body.startsWith("#")) {
      const codePoint = body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      const valid = codePoint > 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
      return valid ? String.fromCodePoint(codePoint) : "\uFFFD";
    }
    return NAMED_REFERENCES[body] ?? reference;
  });
}

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = match[1]?.toLowerCase();
    if (name === undefined) continue;
    attributes[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? "");
  }
  return attributes;
}

/** Parses an HTML fragment into a tree of elements and text nodes. */
export function parseHtml(html: string): HtmlNode[] {
  const root: HtmlElement = { type: "element", name: "#root", attributes: {}, children: [] };
  const stack: HtmlElement[] = [root];
  const current = (): HtmlElement => stack.at(-1) ?? root;
  let rawTextEnd: string | undefined;

  for (const match of html.matchAll(TOKEN)) {
    const token = match[0];
    const tagName = match[2]?.toLowerCase();
    if (rawTextEnd !== undefined) {
      // Script and style content is not text a reader sees; skip it up to the matching end tag.
      if (match[1] === "/" && tagName === rawTextEnd) rawTextEnd = undefined;
      continue;
    }
    if (tagName === undefined) {
      if (token.startsWith("<!") || token.startsWith("<?")) continue;
      current().children.push({ type: "text", text: decodeEntities(token) });
      continue;
    }
    if (match[1] === "/") {
      const openIndex = stack.findLastIndex((element) => element.name === tagName);
      if (openIndex > 0) stack.length = openIndex;
      continue;
    }
    const element: HtmlElement = { type: "element", name: tagName, attributes: parseAttributes(match[3] ?? ""), children: [] };
    current().children.push(element);
    if (RAW_TEXT_ELEMENTS.has(tagName)) rawTextEnd = tagName;
    else if (match[4] !== "/" && !VOID_ELEMENTS.has(tagName)) stack.push(element);
  }
  return root.children;
}
