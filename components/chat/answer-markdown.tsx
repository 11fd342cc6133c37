"use client";

import Markdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { libraryHref, linkShowsItsAddress } from "@/components/chat/answer-links";
import { CitationChip } from "@/components/chat/citation-chip";
import { remarkCitations } from "@/components/chat/remark-citations";

const REMARK_PLUGINS = [remarkGfm, remarkCitations];
// Remote images in an answer could track readers; answers only need text, links and tables.
const DISALLOWED = ["img"];

/** The text of a hast node and its descendants. */
function nodeText(node: { type: string; value?: unknown; children?: unknown[] } | undefined): string {
  if (!node) return "";
  if (node.type === "text" && typeof node.value === "string") return node.value;
  return (node.children ?? []).map((child) => nodeText(child as Parameters<typeof nodeText>[0])).join("");
}

const COMPONENTS: Components = {
  a: ({ node, href, children, ...props }) => {
    // Only links into the library stay links (components/chat/answer-links.ts); react-markdown
    // has already emptied unsafe URLs (javascript:, data:, vbscript:).
    const target = libraryHref(href);
    if (target) {
      const internal = target.startsWith("#");
      return (
        <a href={target} {...props} {...(internal ? {} : { target: "_blank", rel: "noopener noreferrer" })}>
          {children}
        </a>
      );
    }
    if (!href || linkShowsItsAddress(nodeText(node), href)) return <span className="answer-link-text">{children}</span>;
    return (
      <span className="answer-link-text">
        {children} <span className="answer-link-address">({href})</span>
      </span>
    );
  },
  sup: ({ node, children, ...props }) => {
    const citation = node?.properties?.dataCitation;
    if (typeof citation === "string" || typeof citation === "number") return <CitationChip index={Number(citation)} />;
    return <sup {...props}>{children}</sup>;
  },
};

/**
 * An answer rendered as Markdown (GFM tables and lists) with citation chips. Raw HTML is never
 * rendered (no rehype-raw; skipHtml drops it), so a document cannot inject markup through a quote.
 */
export function AnswerMarkdown({ text }: { text: string }) {
  return (
    <div className="answer-markdown">
      <Markdown remarkPlugins={REMARK_PLUGINS} components={COMPONENTS} skipHtml disallowedElements={DISALLOWED}>
        {text}
      </Markdown>
    </div>
  );
}
