/**
 * "Start a new chat" from outside the chat workspace (the header's Chat link while a chat is
 * open). The workspace owns the chat state, so the header asks it through a window event
 * rather than a navigation, which would keep the old conversation on screen.
 */
export const NEW_CHAT_EVENT = "cited:new-chat";

export function requestNewChat(): void {
  window.dispatchEvent(new Event(NEW_CHAT_EVENT));
}

/** The conversation id in a chat URL (`/chat/<id>`), null for `/`, undefined for other pages. */
export function chatIdFromPath(pathname: string): string | null | undefined {
  if (pathname === "/") return null;
  const match = /^\/chat\/([^/]+)\/?$/.exec(pathname);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
