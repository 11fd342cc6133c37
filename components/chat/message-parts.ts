import type { ChatPassagePlace, ChatRelatedPassage, ChatScopeData, ChatSourceData, CitedUIMessage } from "@/lib/contracts/chat-message";
import { locationLabel } from "@/components/ui/format";

/** The sources an answer cited, in order, from its `data-source` parts. */
export function sourcesOf(message: CitedUIMessage): ChatSourceData[] {
  const sources: ChatSourceData[] = [];
  for (const part of message.parts) {
    if (part.type === "data-source") sources.push(part.data);
  }
  return sources.sort((left, right) => left.index - right.index);
}

/** The closest passages sent with a "not in the documents" answer (its `data-related` part). */
export function relatedOf(message: CitedUIMessage): ChatRelatedPassage[] {
  for (const part of message.parts) {
    if (part.type === "data-related") return part.data.passages;
  }
  return [];
}

/** The documents the question named and the search preferred (its `data-scope` part), or none. */
export function scopeOf(message: CitedUIMessage): ChatScopeData["documents"] {
  for (const part of message.parts) {
    if (part.type === "data-scope") return part.data.documents;
  }
  return [];
}

/** "Preferred a.pdf and b.pdf, which the question names." (at most three names, then a count). */
export function scopeLabel(documents: ChatScopeData["documents"]): string {
  const names = documents.map((document) => document.documentName);
  const shown = names.length > 3 ? [...names.slice(0, 3), `${names.length - 3} more`] : names;
  const list = shown.length > 1 ? `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1] ?? ""}` : (shown[0] ?? "");
  return `Preferred ${list}, which the question names; the rest of the library was searched too.`;
}

/** The message's text (all text parts joined). */
export function textOf(message: CitedUIMessage): string {
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/** "handbook.pdf, page 3": a passage's document and place, as copied text names it. */
function placeLabel(place: ChatPassagePlace): string {
  const location = locationLabel(place);
  return location ? `${place.documentName}, ${location}` : place.documentName;
}

/**
 * The answer as copied to the clipboard: readable outside the app, so the citation markers come
 * with a source list, and a "no" with the closest passages it listed.
 */
export function copyTextOf(message: CitedUIMessage): string {
  const scope = scopeOf(message);
  const text = scope.length > 0 ? `${textOf(message).trim()}\n\n${scopeLabel(scope)}` : textOf(message).trim();
  const sources = sourcesOf(message);
  if (sources.length > 0) return `${text}\n\nSources:\n${sources.map((source) => `[${source.index}] ${placeLabel(source)}`).join("\n")}`;
  const related = relatedOf(message);
  if (related.length > 0) return `${text}\n\nClosest passages (not cited):\n${related.map((passage) => `- ${placeLabel(passage)}: “${passage.excerpt}”`).join("\n")}`;
  return text;
}

/** An error from useChat: the server sends `{ error: { message } }` JSON, which the transport passes through as text. */
export function chatErrorMessage(error: Error | undefined): string {
  if (!error) return "";
  try {
    const body = JSON.parse(error.message) as { error?: { message?: unknown } };
    if (typeof body.error?.message === "string") return body.error.message;
  } catch {
    // Not JSON: a network failure or a stream error text.
  }
  if (error.message === "Failed to fetch" || error.message.includes("NetworkError")) return "The server could not be reached. Check the connection and retry.";
  return error.message || "The answer failed.";
}

/** A random v4 UUID; crypto.randomUUID only exists in secure contexts (HTTPS or localhost). */
export function newChatId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
