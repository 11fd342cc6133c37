import type { ChatSourceData } from "@/lib/contracts/chat-message";

/**
 * A tiny parser for the AI SDK UI-message stream protocol (SSE): `data: {chunk json}` events,
 * ended by `data: [DONE]`. Collects what the chat tests assert on: the answer text, the
 * `data-source` and `source-document` parts, errors, and the order of the first source versus
 * the first text delta.
 */

export interface UIStreamChunk {
  type: string;
  [key: string]: unknown;
}

/** A `data-source` part's payload, as the chat sends it. */
export type StreamedSource = ChatSourceData;

export interface DataSourceChunk {
  type: "data-source";
  id: string;
  data: StreamedSource;
}

export interface SourceDocumentChunk {
  type: "source-document";
  sourceId: string;
  mediaType: string;
  title: string;
}

export interface ParsedUIMessageStream {
  chunks: UIStreamChunk[];
  /** The concatenated text deltas. */
  text: string;
  sources: DataSourceChunk[];
  sourceDocuments: SourceDocumentChunk[];
  /** The `errorText` of every `error` chunk. */
  errors: string[];
  /** The metadata of the `start` chunk, if any. */
  startMetadata: Record<string, unknown> | undefined;
  /** Position (in `chunks`) of the first data-source / first text-delta, or -1. */
  firstSourcePosition: number;
  firstTextDeltaPosition: number;
  /** Whether a `finish` chunk and the `[DONE]` marker arrived. */
  finished: boolean;
  done: boolean;
  /** Data lines that were not valid JSON (there should be none). */
  invalidLines: string[];
}

/** Parses a complete UI-message SSE body. */
export function parseUIMessageStream(body: string): ParsedUIMessageStream {
  const parsed: ParsedUIMessageStream = {
    chunks: [],
    text: "",
    sources: [],
    sourceDocuments: [],
    errors: [],
    startMetadata: undefined,
    firstSourcePosition: -1,
    firstTextDeltaPosition: -1,
    finished: false,
    done: false,
    invalidLines: [],
  };
  for (const line of body.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice("data:".length).trim();
    if (data === "[DONE]") {
      parsed.done = true;
      continue;
    }
    let chunk: UIStreamChunk;
    try {
      chunk = JSON.parse(data) as UIStreamChunk;
    } catch {
      parsed.invalidLines.push(data);
      continue;
    }
    const position = parsed.chunks.length;
    parsed.chunks.push(chunk);
    switch (chunk.type) {
      case "start":
        parsed.startMetadata = chunk.messageMetadata as Record<string, unknown> | undefined;
        break;
      case "text-delta":
        if (parsed.firstTextDeltaPosition < 0) parsed.firstTextDeltaPosition = position;
        parsed.text += typeof chunk.delta === "string" ? chunk.delta : "";
        break;
      case "data-source":
        if (parsed.firstSourcePosition < 0) parsed.firstSourcePosition = position;
        parsed.sources.push(chunk as unknown as DataSourceChunk);
        break;
      case "source-document":
        parsed.sourceDocuments.push(chunk as unknown as SourceDocumentChunk);
        break;
      case "error":
        parsed.errors.push(typeof chunk.errorText === "string" ? chunk.errorText : JSON.stringify(chunk));
        break;
      case "finish":
        parsed.finished = true;
        break;
      default:
        break;
    }
  }
  return parsed;
}

/** Reads a streamed response to its end and parses it. */
export async function readUIMessageStream(response: Response): Promise<ParsedUIMessageStream> {
  return parseUIMessageStream(await response.text());
}

/** The citation numbers `[n]` (also inside `[1, 3]` lists) used in a text. */
export function citationNumbers(text: string): number[] {
  const numbers = new Set<number>();
  for (const match of text.matchAll(/\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g)) {
    for (const item of (match[1] ?? "").split(",")) numbers.add(Number(item.trim()));
  }
  return [...numbers];
}
