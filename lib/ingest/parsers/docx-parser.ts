/**
 * DOCX parsing: mammoth converts the document to semantic HTML (headings, paragraphs, lists,
 * tables, notes), which is then walked into blocks with heading paths.
 */

import mammoth from "mammoth";
import { AppError } from "@/lib/errors";
import type { ParsedDocument, TextBlock } from "@/lib/contracts/documents";
import { type HtmlElement, type HtmlNode, parseHtml } from "./html-tree";
import { collapseWhitespace, hasWordCharacters } from "./text-normalization";

const STYLE_MAP = [
  // Mammoth maps "Heading 1".."Heading 6" itself; the document title is the top heading too.
  "p[style-name='Title'] => h1:fresh",
];

const HEADING_LEVELS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
const NOTE_ID = /^(footnote|endnote)-(\d+)$/;
const NOTE_BACK_LINK = /^#(footnote|endnote)-ref-\d+$/;
const NOTES_SECTION = ["Notes"];

interface Heading {
  level: number;
  text: string;
}

function elementChildren(element: HtmlElement): HtmlElement[] {
  return element.children.filter((child): child is HtmlElement => child.type === "element");
}

class BlockCollector {
  readonly blocks: TextBlock[] = [];
  private readonly headings: Heading[] = [];
  /** Section path where each note was referenced, so the note is cited with the text it belongs to. */
  private readonly noteSections = new Map<string, string[] | undefined>();
  private pendingInline: HtmlNode[] = [];

  title: string | undefined;

  collect(nodes: HtmlNode[]): void {
    for (const node of nodes) this.visit(node);
    this.flushInline();
  }

  private path(): string[] | undefined {
    return this.headings.length > 0 ? this.headings.map((heading) => heading.text) : undefined;
  }

  private push(kind: TextBlock["kind"], text: string, sectionPath = this.path()): void {
    if (text.trim() === "") return;
    this.blocks.push(sectionPath ? { text, kind, sectionPath: [...sectionPath] } : { text, kind });
  }

  private flushInline(): void {
    if (this.pendingInline.length === 0) return;
    const text = collapseWhitespace(this.pendingInline.map((node) => this.inlineText(node)).join(""));
    this.pendingInline = [];
    this.push("paragraph", text);
  }

  private visit(node: HtmlNode): void {
    if (node.type === "text") {
      if (node.text.trim() !== "") this.pendingInline.push(node);
      return;
    }
    const level = HEADING_LEVELS[node.name];
    if (level !== undefined) {
      this.flushInline();
      this.addHeading(level, collapseWhitespace(this.inlineText(node)));
      return;
    }
    switch (node.name) {
      case "p":
        this.flushInline();
        this.push("paragraph", collapseWhitespace(this.inlineText(node)));
        return;
      case "ul":
      case "ol":
        this.flushInline();
        if (this.isNotesList(node)) this.addNotes(node);
        else this.push("list", this.listLines(node, 0).join("\n"));
        return;
      case "table":
        this.flushInline();
        this.push("table", this.tableMarkdown(node));
        return;
      case "pre":
        this.flushInline();
        this.push("code", this.inlineText(node).replace(/\s+$/, ""));
        return;
      case "blockquote":
      case "div":
      case "section":
      case "article":
      case "main":
      case "body":
      case "html":
      case "dl":
      case "dd":
      case "dt":
        this.flushInline();
        for (const child of node.children) this.visit(child);
        this.flushInline();
        return;
      default:
        this.pendingInline.push(node);
    }
  }

  private addHeading(level: number, text: string): void {
    if (text === "") return;
    while ((this.headings.at(-1)?.level ?? 0) >= level) this.headings.pop();
    this.headings.push({ level, text });
    if (level === 1) this.title ??= text;
    this.push("heading", text);
  }

  /** Visible text of an element; `<br>` becomes a line break, images and note back-links are dropped. */
  private inlineText(node: HtmlNode): string {
    if (node.type === "text") return node.text;
    switch (node.name) {
      case "br":
        return "\n";
      case "img":
        return "";
      case "a": {
        const href = node.attributes.href ?? "";
        if (NOTE_BACK_LINK.test(href)) return "";
        const noteId = href.startsWith("#") ? href.slice(1) : "";
        if (NOTE_ID.test(noteId) && !this.noteSections.has(noteId)) this.noteSections.set(noteId, this.path());
        break;
      }
      case "ul":
      case "ol":
        return ` ${this.listLines(node, 0).join(" ")} `;
      case "table":
        return ` ${this.tableRows(node)
          .map((row) => row.join(" "))
          .join(" ")} `;
    }
    const text = node.children.map((child) => this.inlineText(child)).join("");
    // Block children (paragraphs in cells and list items) must not run their words together.
    return node.name === "p" || HEADING_LEVELS[node.name] !== undefined ? ` ${text} ` : text;
  }

  private isNotesList(list: HtmlElement): boolean {
    const items = elementChildren(list);
    return list.name === "ol" && items.length > 0 && items.every((item) => item.name === "li" && NOTE_ID.test(item.attributes.id ?? ""));
  }

  private addNotes(list: HtmlElement): void {
    for (const item of elementChildren(list)) {
      const id = item.attributes.id ?? "";
      const number = NOTE_ID.exec(id)?.[2];
      const text = collapseWhitespace(this.inlineText(item));
      if (text === "") continue;
      const sectionPath = this.noteSections.get(id) ?? NOTES_SECTION;
      this.push("paragraph", number === undefined ? text : `[${number}] ${text}`, sectionPath);
    }
  }

  private listLines(list: HtmlElement, depth: number): string[] {
    const lines: string[] = [];
    let number = Number.parseInt(list.attributes.start ?? "1", 10) || 1;
    for (const item of elementChildren(list)) {
      if (item.name !== "li") continue;
      const isNestedList = (child: HtmlNode): child is HtmlElement => child.type === "element" && (child.name === "ul" || child.name === "ol");
      const nested = item.children.filter(isNestedList);
      const own = item.children.filter((child) => !isNestedList(child));
      const text = collapseWhitespace(own.map((child) => this.inlineText(child)).join(""));
      const marker = list.name === "ol" ? `${number}.` : "-";
      number++;
      if (text !== "") lines.push(`${"  ".repeat(depth)}${marker} ${text}`);
      for (const child of nested) lines.push(...this.listLines(child, depth + 1));
    }
    return lines;
  }

  /** Table rows as a rectangular grid of cell texts; row and column spans leave empty cells behind. */
  private tableRows(table: HtmlElement): string[][] {
    const rows: HtmlElement[] = [];
    const findRows = (element: HtmlElement): void => {
      for (const child of elementChildren(element)) {
        if (child.name === "tr") rows.push(child);
        else if (child.name === "thead" || child.name === "tbody" || child.name === "tfoot") findRows(child);
      }
    };
    findRows(table);

    const grid: string[][] = [];
    // For each column, how many more rows an earlier cell's rowspan still covers.
    const coveredRows: number[] = [];
    for (const row of rows) {
      const cells: (string | undefined)[] = [];
      let column = 0;
      const skipCovered = (): void => {
        while ((coveredRows[column] ?? 0) > 0) {
          coveredRows[column] = (coveredRows[column] ?? 1) - 1;
          cells[column] = "";
          column++;
        }
      };
      for (const cell of elementChildren(row)) {
        if (cell.name !== "td" && cell.name !== "th") continue;
        skipCovered();
        const columnSpan = Math.min(Math.max(Number.parseInt(cell.attributes.colspan ?? "1", 10) || 1, 1), 100);
        const rowSpan = Math.min(Math.max(Number.parseInt(cell.attributes.rowspan ?? "1", 10) || 1, 1), 1000);
        const text = collapseWhitespace(cell.children.map((child) => this.inlineText(child)).join(""));
        for (let offset = 0; offset < columnSpan; offset++) {
          cells[column + offset] = offset === 0 ? text : "";
          coveredRows[column + offset] = rowSpan - 1;
        }
        column += columnSpan;
      }
      for (; column < coveredRows.length; column++) {
        if ((coveredRows[column] ?? 0) > 0) {
          coveredRows[column] = (coveredRows[column] ?? 1) - 1;
          cells[column] = "";
        }
      }
      grid.push(Array.from(cells, (cell) => cell ?? ""));
    }
    return grid.filter((row) => row.some((cell) => cell !== ""));
  }

  private tableMarkdown(table: HtmlElement): string {
    const rows = this.tableRows(table);
    const width = Math.max(0, ...rows.map((row) => row.length));
    if (width === 0) return "";
    const format = (row: string[]): string => {
      const cells = Array.from({ length: width }, (_, index) => (row[index] ?? "").replace(/\\/g, "\\\\").replace(/\|/g, "\\|"));
      return `| ${cells.join(" | ")} |`;
    };
    const [header, ...body] = rows;
    if (!header) return "";
    return [format(header), `| ${Array.from({ length: width }, () => "---").join(" | ")} |`, ...body.map(format)].join("\n");
  }
}

async function convertToHtml(bytes: Uint8Array): Promise<string> {
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        styleMap: STYLE_MAP,
        // Images carry no text; skipping them avoids base64-encoding every picture into the HTML.
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: "" })),
        // Linked files outside the document must never be read on the server.
        externalFileAccess: false,
      },
    );
    return result.value;
  } catch (error) {
    throw new AppError("docx.invalid", "This file is damaged or is not a valid Word document (.docx), so its text cannot be read.", {
      cause: error,
    });
  }
}

/** Extracts headings, paragraphs, lists (as `- item`), tables (as Markdown) and notes from a DOCX, with heading paths. */
export async function parseDocx(bytes: Uint8Array): Promise<ParsedDocument> {
  const html = await convertToHtml(bytes);
  const collector = new BlockCollector();
  collector.collect(parseHtml(html));
  const blocks = collector.blocks;
  if (!blocks.some((block) => hasWordCharacters(block.text))) {
    // Mammoth (1.13) reads ISO Strict documents as well, so an empty result means an empty document.
    throw new AppError("docx.no_text", "The document has no text.");
  }
  return collector.title === undefined ? { kind: "docx", blocks, pageCount: null } : { kind: "docx", blocks, pageCount: null, title: collector.title };
}
