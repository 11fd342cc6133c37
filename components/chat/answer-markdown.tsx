"use client";

import Markdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { CitationChip } from "@/components/chat/citation-chip";
import { remarkCitations } from "@/components/chat/remark-citations";

const REMARK_PLUGINS = [remarkGfm, remarkCitations];
// Remote images in an answer could track readers; answers only need text, links and tables.
const DISALLOWED = ["img"];

const COMPONENTS: Components = {
  a: ({ node: _node, href, children, ...props }) => {
    // react-markdown empties unsafe URLs (javascript:, data:, vbscript:); such a link is text.
    if (!href) return <span>{children}</span>;
    const external = href !== undefined && !href.startsWith("#");
    return (
      <a href={href} {...props} {...(external ? { target: "_blank", rel: "noopener noreferrer" } : {})}>
        {children}
      </a>
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
