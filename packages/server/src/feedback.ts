import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { rejection, type QueueId, type Rejection, type TenantId } from '@lineup/protocol';
import type { Clock } from './clock.ts';
import type { Records } from './records.ts';
import type { ServerStore } from './store.ts';
import type { Message, MessageInput, Rating } from './record-schemas.ts';

/*
 * What customers leave behind: messages for a queue (when it is offline or
 * closed, a queue may tell them to leave one, R11, R16) and a rating of a
 * contact once it has ended. Both are server records, not engine state:
 * routing never reads them. Each write is one statement, so a refused
 * request writes nothing.
 */

/** New (unhandled) messages one queue may hold: past it, limit_reached until some are handled. */
export const newMessagesPerQueueMax = 10_000;

interface MessageRow {
  seq: number;
  id: string;
  queue_id: string;
  customer: string;
  text: string;
  created_at_ms: number;
  handled_at_ms: number | null;
}

interface RatingRow {
  contact_id: string;
  score: number;
  comment: string | null;
  created_at_ms: number;
}

function messageOf(row: MessageRow): Message {
  return {
    id: row.id,
    queueId: row.queue_id as QueueId,
    customer: JSON.parse(row.customer) as Message['customer'],
    text: row.text,
    createdAtMs: row.created_at_ms,
    handledAtMs: row.handled_at_ms,
  };
}

function ratingOf(row: RatingRow): Rating {
  return {
    contactId: row.contact_id as Rating['contactId'],
    score: row.score,
    comment: row.comment,
    createdAtMs: row.created_at_ms,
  };
}

function statements(db: Database.Database) {
  return {
    insertMessage: db.prepare(
      `INSERT INTO messages (id, tenant_id, queue_id, customer, text, created_at_ms)
       VALUES (@id, @tenantId, @queueId, @customer, @text, @createdAtMs)`,
    ),
    newCount: db
      .prepare<[string, string], number>(
        `SELECT COUNT(*) FROM messages
         WHERE tenant_id = ? AND queue_id = ? AND handled_at_ms IS NULL`,
      )
      .pluck(),
    message: db.prepare<[string, string], MessageRow>(
      'SELECT * FROM messages WHERE tenant_id = ? AND id = ?',
    ),
    page: db.prepare<[string, string, number, number, number, number], MessageRow>(
      `SELECT * FROM messages WHERE tenant_id = ? AND queue_id = ? AND seq > ?
         AND (? = 0 OR (handled_at_ms IS NULL) = (? = 1))
       ORDER BY seq LIMIT ?`,
    ),
    handle: db.prepare<[number, string, string]>(
      `UPDATE messages SET handled_at_ms = ?
       WHERE tenant_id = ? AND id = ? AND handled_at_ms IS NULL`,
    ),
    insertRating: db.prepare(
      `INSERT INTO ratings (tenant_id, contact_id, score, comment, created_at_ms)
       VALUES (@tenantId, @contactId, @score, @comment, @createdAtMs)`,
    ),
    rating: db.prepare<[string, string], RatingRow>(
      'SELECT * FROM ratings WHERE tenant_id = ? AND contact_id = ?',
    ),
  };
}

/** Which messages a list shows. */
export type MessageStatus = 'new' | 'handled';

/** Messages and ratings of every tenant. */
export class Feedback {
  readonly #statements: ReturnType<typeof statements>;
  readonly #clock: Clock;
  readonly #records: Records;

  constructor(options: { store: ServerStore; clock: Clock; records: Records }) {
    this.#statements = statements(options.store.db);
    this.#clock = options.clock;
    this.#records = options.records;
  }

  /** Stores a message for a queue the caller checked exists, or refuses when the queue holds too many. */
  leaveMessage(tenantId: TenantId, queueId: QueueId, input: MessageInput): Message | Rejection {
    if ((this.#statements.newCount.get(tenantId, queueId) ?? 0) >= newMessagesPerQueueMax) {
      return rejection(
        'limit_reached',
        `Queue ${queueId} holds ${newMessagesPerQueueMax} new messages; handle some first.`,
        { limit: 'newMessagesPerQueueMax', max: newMessagesPerQueueMax },
      );
    }
    const message: Message = {
      id: randomUUID(),
      queueId,
      customer: input.customer,
      text: input.text,
      createdAtMs: this.#clock.nowMs(),
      handledAtMs: null,
    };
    this.#statements.insertMessage.run({
      id: message.id,
      tenantId,
      queueId,
      customer: JSON.stringify(message.customer),
      text: message.text,
      createdAtMs: message.createdAtMs,
    });
    return message;
  }

  /** A page of a queue's messages, oldest first, of one status or both. */
  messages(
    tenantId: TenantId,
    queueId: QueueId,
    query: { status?: MessageStatus; limit: number; after?: string },
  ): { messages: Message[]; next: string | null } {
    const status = query.status === undefined ? 0 : query.status === 'new' ? 1 : 2;
    const after = query.after === undefined ? 0 : Number(query.after);
    const rows = this.#statements.page.all(
      tenantId,
      queueId,
      after,
      status,
      status,
      query.limit + 1,
    );
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    return {
      messages: shown.map(messageOf),
      next: rows.length > query.limit && last !== undefined ? String(last.seq) : null,
    };
  }

  /** Marks a message handled; handling it again keeps the first time. */
  handleMessage(tenantId: TenantId, messageId: string): Message | Rejection {
    this.#statements.handle.run(this.#clock.nowMs(), tenantId, messageId);
    const row = this.#statements.message.get(tenantId, messageId);
    if (row === undefined) {
      return rejection('message_not_found', `No message has id ${messageId}.`, { messageId });
    }
    return messageOf(row);
  }

  /** Rates a contact that ended after an answer, once. */
  rate(
    tenantId: TenantId,
    contactId: string,
    input: { score: number; comment?: string },
  ): Rating | Rejection {
    const contact = this.#records.contact(tenantId, contactId);
    if (contact === null) {
      return rejection('contact_not_found', `No contact with id ${contactId} is on record.`, {
        contactId,
      });
    }
    if (contact.endedAtMs === null || contact.answeredAtMs === null) {
      return rejection(
        'contact_not_ended',
        `Contact ${contactId} has not ended after an answer; only a served contact is rated.`,
        { contactId },
      );
    }
    if (contact.rating !== null) {
      return rejection('rating_exists', `Contact ${contactId} has been rated already.`, {
        contactId,
      });
    }
    const rating: Rating = {
      contactId: contact.id,
      score: input.score,
      comment: input.comment ?? null,
      createdAtMs: this.#clock.nowMs(),
    };
    this.#statements.insertRating.run({ tenantId, ...rating });
    return rating;
  }

  /** A contact's rating, or why there is none. */
  rating(tenantId: TenantId, contactId: string): Rating | Rejection {
    const row = this.#statements.rating.get(tenantId, contactId);
    if (row !== undefined) return ratingOf(row);
    if (this.#records.contact(tenantId, contactId) === null) {
      return rejection('contact_not_found', `No contact with id ${contactId} is on record.`, {
        contactId,
      });
    }
    return rejection('rating_not_found', `Contact ${contactId} has no rating.`, { contactId });
  }
}
