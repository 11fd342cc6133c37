import Database from "better-sqlite3";
import { migrateModule } from "@/lib/storage/module-schema";
import { validStoredMessage } from "@/lib/contracts/chat-message-schema";
import type { CitedUIMessage } from "@/lib/contracts/chat-message";

/**
 * Conversations and their messages (with the sources of each answer, as UI message parts) in
 * the SQLite registry file. Its tables are versioned separately from the document registry's so
 * the two modules can evolve independently.
 */

export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
}

export interface ConversationStore {
  list(): ConversationSummary[];
  get(id: string): { conversation: ConversationSummary; messages: CitedUIMessage[] } | undefined;
  /** Creates the conversation if needed (title from the first question) and appends messages not stored yet. */
  appendMessages(options: { conversationId: string; title: string; messages: CitedUIMessage[] }): void;
  /** Removes the messages after `messageId` (a regenerated answer replaces the old one). */
  truncateAfter(options: { conversationId: string; messageId: string }): void;
  delete(id: string): boolean;
  close(): void;
}

const CONVERSATION_MIGRATIONS: string[] = [
  `CREATE TABLE conversations (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE conversation_messages (
     id TEXT NOT NULL,
     conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
     position INTEGER NOT NULL,
     role TEXT NOT NULL,
     message TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (conversation_id, id)
   );
   CREATE INDEX conversation_messages_order ON conversation_messages(conversation_id, position);`,
];

const TITLE_LENGTH = 80;

/** A conversation title from its first question. */
export function titleFromQuestion(question: string): string {
  const clean = question.replace(/\s+/g, " ").trim();
  if (clean.length <= TITLE_LENGTH) return clean || "New conversation";
  return `${clean.slice(0, TITLE_LENGTH - 1).replace(/\s+\S*$/, "")}…`;
}

/** Opens the conversation tables in the SQLite file at `filePath`. */
export function openConversationStore(filePath: string): ConversationStore {
  const database = new Database(filePath);
  database.pragma("journal_mode = WAL");
  // As the registry's connection: in WAL mode a crash of the app loses no committed turn and the
  // file stays consistent; only a power cut can lose the last ones. FULL synced the log on every
  // chat turn, several times the cost of a transaction here.
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  migrateModule(database, "conversations", CONVERSATION_MIGRATIONS);

  const summarySelect = `SELECT c.id, c.title, c.created_at AS createdAt, c.updated_at AS updatedAt,
      (SELECT COUNT(*) FROM conversation_messages m WHERE m.conversation_id = c.id) AS messageCount
    FROM conversations c`;
  const statements = {
    list: database.prepare(`${summarySelect} ORDER BY c.updated_at DESC LIMIT 500`),
    get: database.prepare(`${summarySelect} WHERE c.id = ?`),
    messages: database.prepare("SELECT message FROM conversation_messages WHERE conversation_id = ? ORDER BY position"),
    insertConversation: database.prepare("INSERT OR IGNORE INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)"),
    touch: database.prepare("UPDATE conversations SET updated_at = ? WHERE id = ?"),
    nextPosition: database.prepare("SELECT COALESCE(MAX(position) + 1, 0) AS next FROM conversation_messages WHERE conversation_id = ?"),
    insertMessage: database.prepare("INSERT OR IGNORE INTO conversation_messages (id, conversation_id, position, role, message, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
    delete: database.prepare("DELETE FROM conversations WHERE id = ?"),
    truncateAfter: database.prepare(
      `DELETE FROM conversation_messages WHERE conversation_id = @conversationId AND position >
         (SELECT position FROM conversation_messages WHERE conversation_id = @conversationId AND id = @messageId)`,
    ),
  };

  const append = database.transaction((options: { conversationId: string; title: string; messages: CitedUIMessage[] }) => {
    const now = new Date().toISOString();
    statements.insertConversation.run(options.conversationId, options.title, now, now);
    let position = (statements.nextPosition.get(options.conversationId) as { next: number }).next;
    for (const message of options.messages) {
      const result = statements.insertMessage.run(message.id, options.conversationId, position, message.role, JSON.stringify(message), now);
      if (result.changes > 0) position += 1;
    }
    statements.touch.run(now, options.conversationId);
  });

  return {
    list: () => statements.list.all() as ConversationSummary[],
    get(id) {
      const conversation = statements.get.get(id) as ConversationSummary | undefined;
      if (!conversation) return undefined;
      const rows = statements.messages.all(id) as { message: string }[];
      // Each stored message is checked part by part as it is read: a malformed one (stored by an
      // older version, or planted) loses its bad parts instead of breaking the conversation.
      const messages = rows.flatMap((row) => {
        let raw: unknown;
        try {
          raw = JSON.parse(row.message) as unknown;
        } catch {
          return [];
        }
        const message = validStoredMessage(raw);
        return message ? [message] : [];
      });
      return { conversation, messages };
    },
    appendMessages(options) {
      append(options);
    },
    truncateAfter: (options) => {
      statements.truncateAfter.run(options);
    },
    delete: (id) => statements.delete.run(id).changes > 0,
    close: () => database.close(),
  };
}
