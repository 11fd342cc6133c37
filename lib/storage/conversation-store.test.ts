import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatSourceData, CitedUIMessage } from "@/lib/contracts/chat-message";
import { openConversationStore, titleFromQuestion, type ConversationStore } from "@/lib/storage/conversation-store";

let directory: string;
let databasePath: string;
let store: ConversationStore | undefined;

function open(): ConversationStore {
  store = openConversationStore(databasePath);
  return store;
}

const SOURCE: ChatSourceData = {
  index: 1,
  documentId: "doc-1",
  documentName: "handbook.pdf",
  chunkId: "doc-1:0",
  page: 2,
  pageStart: 2,
  pageEnd: 3,
  section: "Benefits > Dental",
  text: "Dental cleanings are covered twice a year.",
};

function user(id: string, text: string): CitedUIMessage {
  return { id, role: "user", parts: [{ type: "text", text }] };
}

function assistant(id: string, text: string): CitedUIMessage {
  return {
    id,
    role: "assistant",
    metadata: { conversationId: "c1", mode: "extractive" },
    parts: [
      { type: "data-source", id: "1", data: SOURCE },
      { type: "text", text },
    ],
  };
}

function at(iso: string): void {
  vi.setSystemTime(new Date(iso));
}

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "cited-conversations-"));
  databasePath = path.join(directory, "registry.sqlite");
  vi.useFakeTimers({ toFake: ["Date"] });
  at("2026-01-01T10:00:00.000Z");
});

afterEach(async () => {
  vi.useRealTimers();
  store?.close();
  store = undefined;
  await rm(directory, { recursive: true, force: true });
});

describe("conversation store", () => {
  it("stores messages with their source parts, in order, across reopening", () => {
    const conversations = open();
    const messages = [user("u1", "Is dental covered?"), assistant("a1", "Yes, twice a year [1].")];
    conversations.appendMessages({ conversationId: "c1", title: "Is dental covered?", messages });
    conversations.close();
    const reopened = open();
    const stored = reopened.get("c1");
    expect(stored?.messages).toEqual(messages);
    expect(stored?.conversation).toMatchObject({ id: "c1", title: "Is dental covered?", messageCount: 2, createdAt: "2026-01-01T10:00:00.000Z" });
  });

  it("appends idempotently by message id: resending the history adds only new messages", () => {
    const conversations = open();
    const first = [user("u1", "Is dental covered?"), assistant("a1", "Yes [1].")];
    conversations.appendMessages({ conversationId: "c1", title: "Is dental covered?", messages: first });
    conversations.appendMessages({ conversationId: "c1", title: "Is dental covered?", messages: first });
    expect(conversations.get("c1")?.messages.map((message) => message.id)).toEqual(["u1", "a1"]);

    const second = [...first, user("u2", "And vision?"), assistant("a2", "Glasses every two years [1].")];
    conversations.appendMessages({ conversationId: "c1", title: "ignored", messages: second });
    const stored = conversations.get("c1");
    expect(stored?.messages.map((message) => message.id)).toEqual(["u1", "a1", "u2", "a2"]);
    expect(stored?.conversation.messageCount).toBe(4);
    // The title is set once, from the first question.
    expect(stored?.conversation.title).toBe("Is dental covered?");
  });

  it("keeps the first stored version of a message id", () => {
    const conversations = open();
    conversations.appendMessages({ conversationId: "c1", title: "t", messages: [user("u1", "original")] });
    conversations.appendMessages({ conversationId: "c1", title: "t", messages: [user("u1", "edited")] });
    expect(conversations.get("c1")?.messages).toEqual([user("u1", "original")]);
  });

  it("lists conversations most recently updated first", () => {
    const conversations = open();
    conversations.appendMessages({ conversationId: "old", title: "Old", messages: [user("u1", "Old question")] });
    at("2026-01-01T11:00:00.000Z");
    conversations.appendMessages({ conversationId: "new", title: "New", messages: [user("u1", "New question")] });
    expect(conversations.list().map((conversation) => conversation.id)).toEqual(["new", "old"]);

    at("2026-01-01T12:00:00.000Z");
    conversations.appendMessages({ conversationId: "old", title: "Old", messages: [user("u2", "Follow-up")] });
    const list = conversations.list();
    expect(list.map((conversation) => conversation.id)).toEqual(["old", "new"]);
    expect(list[0]).toEqual({ id: "old", title: "Old", createdAt: "2026-01-01T10:00:00.000Z", updatedAt: "2026-01-01T12:00:00.000Z", messageCount: 2 });
  });

  it("message ids are per conversation", () => {
    const conversations = open();
    conversations.appendMessages({ conversationId: "c1", title: "One", messages: [user("u1", "first")] });
    conversations.appendMessages({ conversationId: "c2", title: "Two", messages: [user("u1", "second")] });
    expect(conversations.get("c2")?.messages).toEqual([user("u1", "second")]);
  });

  it("deletes a conversation with all of its messages", () => {
    const conversations = open();
    conversations.appendMessages({ conversationId: "c1", title: "One", messages: [user("u1", "q"), assistant("a1", "a [1].")] });
    conversations.appendMessages({ conversationId: "c2", title: "Two", messages: [user("u1", "q")] });
    expect(conversations.delete("c1")).toBe(true);
    expect(conversations.get("c1")).toBeUndefined();
    expect(conversations.delete("c1")).toBe(false);
    expect(conversations.delete("missing")).toBe(false);
    expect(conversations.list().map((conversation) => conversation.id)).toEqual(["c2"]);

    const database = new Database(databasePath, { readonly: true });
    try {
      const rows = database.prepare("SELECT conversation_id AS id, COUNT(*) AS count FROM conversation_messages GROUP BY conversation_id").all();
      expect(rows).toEqual([{ id: "c2", count: 1 }]);
    } finally {
      database.close();
    }
  });

  it("returns undefined for an unknown conversation", () => {
    expect(open().get("nope")).toBeUndefined();
  });
});

describe("titleFromQuestion", () => {
  it("collapses whitespace", () => {
    expect(titleFromQuestion("  How much\n vacation   do I get? ")).toBe("How much vacation do I get?");
  });

  it("keeps a title of up to 80 characters whole", () => {
    const question = "x".repeat(80);
    expect(titleFromQuestion(question)).toBe(question);
  });

  it("shortens a long question at a word boundary with an ellipsis", () => {
    const question = "What is the reimbursement policy for international business travel including meals, hotels and flights booked late?";
    const title = titleFromQuestion(question);
    expect(title.length).toBeLessThanOrEqual(80);
    expect(title.endsWith("…")).toBe(true);
    const stem = title.slice(0, -1);
    expect(question.startsWith(stem)).toBe(true);
    expect(question[stem.length]).toBe(" ");
  });

  it("names an empty question", () => {
    expect(titleFromQuestion("   ")).toBe("New conversation");
  });
});

describe("truncateAfter", () => {
  it("drops the messages after the given one, so a regenerated answer replaces the old one", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "cited-truncate-"));
    const truncating = openConversationStore(path.join(folder, "app.db"));
    try {
      const message = (id: string, role: "user" | "assistant", text: string): CitedUIMessage => ({ id, role, parts: [{ type: "text", text }] });
      truncating.appendMessages({ conversationId: "c", title: "t", messages: [message("u1", "user", "q1"), message("a1", "assistant", "old answer")] });
      truncating.truncateAfter({ conversationId: "c", messageId: "u1" });
      truncating.appendMessages({ conversationId: "c", title: "t", messages: [message("u1", "user", "q1"), message("a2", "assistant", "new answer")] });
      expect(truncating.get("c")?.messages.map((stored) => stored.id)).toEqual(["u1", "a2"]);
    } finally {
      truncating.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
