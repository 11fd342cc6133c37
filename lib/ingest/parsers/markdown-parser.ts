/**
 * Markdown parsing into blocks with heading paths. A line-based reader, deliberately small: it
 * recognises the block structure that matters for chunking and citing (headings, fenced and
 * indented code, tables, lists, paragraphs) and keeps the Markdown source of each block.
 */

import type { ParsedDocument, TextBlock } from "@/lib/contracts/documents";
import { collapseWhitespace, normalizeLineEndings, stripByteOrderMark } from "./text-normalization";

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const SETEXT_LEVEL_ONE = /^ {0,3}=+[ \t]*$/;
const SETEXT_LEVEL_TWO = /^ {0,3}-+[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const TABLE_ROW = /^ {0,3}\|/;
const TABLE_DELIMITER_ROW = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const INDENTED_CODE = /^(?: {4}|\t)/;

interface Heading {
  level: number;
  text: string;
}

type OpenBlockKind = "paragraph" | "list" | "table";

/** Reduces inline Markdown in a heading to its visible text, for section paths. */
function headingText(source: string): string {
  const text = source
    .replace(/[ \t]+#+$/, "")
    .replace(/^#+$/, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*\*?)(?=\S)(.+?)(?<=\S)\1/g, "$2")
    // Underscores inside words (snake_case) are not emphasis.
    .replace(/(^|[^\p{L}\p{N}_])(__?)(?=\S)(.+?)(?<=\S)\2(?![\p{L}\p{N}_])/gu, "$1$3");
  return collapseWhitespace(text);
}

function frontMatter(lines: string[]): { bodyStart: number; title: string | undefined } {
  if (lines[0]?.trimEnd() !== "---") return { bodyStart: 0, title: undefined };
  const end = lines.findIndex((line, index) => index > 0 && (line.trimEnd() === "---" || line.trimEnd() === "..."));
  if (end === -1) return { bodyStart: 0, title: undefined };
  let title: string | undefined;
  for (const line of lines.slice(1, end)) {
    const match = /^title:[ \t]*(.*)$/.exec(line);
    if (match?.[1] === undefined) continue;
    const value = collapseWhitespace(match[1].replace(/^(["'])(.*)\1$/, "$2"));
    if (value !== "") title = value;
    break;
  }
  return { bodyStart: end + 1, title };
}

function startsTableWithHeader(lines: string[], index: number): boolean {
  const next = lines[index + 1];
  return (lines[index] ?? "").includes("|") && next !== undefined && next.includes("-") && TABLE_DELIMITER_ROW.test(next);
}

function isTableStart(lines: string[], index: number): boolean {
  // A GFM table may omit the outer pipes; its delimiter row then identifies it.
  return TABLE_ROW.test(lines[index] ?? "") || startsTableWithHeader(lines, index);
}

/** Splits Markdown into heading, paragraph, list, table and code blocks, each with its heading path. */
export function parseMarkdown(text: string): ParsedDocument {
  const lines = normalizeLineEndings(stripByteOrderMark(text)).split("\n");
  const { bodyStart, title: frontMatterTitle } = frontMatter(lines);
  const headings: Heading[] = [];
  const blocks: TextBlock[] = [];
  let firstLevelOneHeading: string | undefined;
  let open: { kind: OpenBlockKind; lines: string[] } | undefined;

  const currentPath = (): string[] | undefined => (headings.length > 0 ? headings.map((heading) => heading.text) : undefined);
  const push = (kind: TextBlock["kind"], blockText: string): void => {
    if (blockText.trim() === "") return;
    const sectionPath = currentPath();
    blocks.push(sectionPath ? { text: blockText, kind, sectionPath } : { text: blockText, kind });
  };
  const flush = (): void => {
    if (!open) return;
    if (open.kind === "paragraph") push("paragraph", collapseWhitespace(open.lines.join(" ")));
    else push(open.kind, open.lines.map((line) => line.trimEnd()).join("\n"));
    open = undefined;
  };
  const addHeading = (level: number, source: string): void => {
    flush();
    const headingValue = headingText(source);
    if (headingValue === "") return;
    while ((headings.at(-1)?.level ?? 0) >= level) headings.pop();
    headings.push({ level, text: headingValue });
    if (level === 1) firstLevelOneHeading ??= headingValue;
    push("heading", headingValue);
  };

  let index = bodyStart;
  while (index < lines.length) {
    const line = lines[index] ?? "";
    const fence = FENCE_OPEN.exec(line);
    const marker = fence?.[1];
    if (marker !== undefined && !(marker.startsWith("`") && (fence?.[2] ?? "").includes("`"))) {
      flush();
      // Everything up to the matching closing fence is code, including lines that look like headings.
      const closing = new RegExp(`^ {0,3}${marker.startsWith("`") ? "`" : "~"}{${marker.length},}[ \\t]*$`);
      const code = [line];
      index++;
      while (index < lines.length) {
        const codeLine = lines[index] ?? "";
        code.push(codeLine);
        index++;
        if (closing.test(codeLine)) break;
      }
      push("code", code.join("\n").trimEnd());
      continue;
    }

    if (line.trim() === "") {
      // Blank lines inside a list separate its items; the list goes on if the next content belongs to it.
      if (open?.kind === "list") {
        const next = lines.slice(index + 1).find((candidate) => candidate.trim() !== "");
        if (next !== undefined && (LIST_ITEM.test(next) || INDENTED_CODE.test(next))) {
          open.lines.push("");
          index++;
          continue;
        }
      }
      flush();
      index++;
      continue;
    }

    if (open?.kind === "paragraph" && open.lines.length > 0 && (SETEXT_LEVEL_ONE.test(line) || SETEXT_LEVEL_TWO.test(line))) {
      const source = open.lines.join(" ");
      open = undefined;
      addHeading(SETEXT_LEVEL_ONE.test(line) ? 1 : 2, source);
      index++;
      continue;
    }

    const atx = ATX_HEADING.exec(line);
    if (atx?.[1] !== undefined) {
      addHeading(atx[1].length, atx[2] ?? "");
      index++;
      continue;
    }

    if (THEMATIC_BREAK.test(line)) {
      flush();
      index++;
      continue;
    }

    if (open?.kind === "table") {
      if (line.includes("|")) {
        open.lines.push(line);
        index++;
        continue;
      }
      flush();
    }
    if (open?.kind !== "list" && isTableStart(lines, index) && (open === undefined || startsTableWithHeader(lines, index))) {
      flush();
      open = { kind: "table", lines: [line] };
      index++;
      continue;
    }

    if (LIST_ITEM.test(line)) {
      if (open?.kind !== "list") {
        flush();
        open = { kind: "list", lines: [] };
      }
      open.lines.push(line);
      index++;
      continue;
    }
    if (open?.kind === "list") {
      // Indented lines continue an item; so do unindented "lazy" lines right after it.
      open.lines.push(line);
      index++;
      continue;
    }

    if (open === undefined && INDENTED_CODE.test(line)) {
      const code: string[] = [];
      while (index < lines.length) {
        const codeLine = lines[index] ?? "";
        if (codeLine.trim() !== "" && !INDENTED_CODE.test(codeLine)) break;
        code.push(codeLine);
        index++;
      }
      push("code", code.join("\n").trimEnd());
      continue;
    }

    if (open?.kind !== "paragraph") {
      flush();
      open = { kind: "paragraph", lines: [] };
    }
    open.lines.push(line.trim());
    index++;
  }
  flush();

  const title = frontMatterTitle ?? firstLevelOneHeading;
  return title === undefined ? { kind: "markdown", blocks, pageCount: null } : { kind: "markdown", blocks, pageCount: null, title };
}
