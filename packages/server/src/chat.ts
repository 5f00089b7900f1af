import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Role,
  rejection,
  type AgentId,
  type ChatAttachment,
  type ChatEntry,
  type ChatParty,
  type ContactId,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { Clock } from './clock.ts';
import type { Host } from './host.ts';
import type { ServerStore } from './store.ts';

/*
 * Chat between a customer and the agent its contact is assigned to; a
 * supervisor may join (docs/api.md, Chat). Messages are numbered per contact
 * in the order the server took them and kept in the server store, so the
 * transcript outlives the contact; files are kept under the files folder.
 * Whether a party may write is decided here, the same for the socket and REST.
 */

/** Largest attachment by default, in bytes. */
export const attachmentBytesMaxDefault = 10 * 1_048_576;

/** Someone who writes in a conversation: a person with a token, or a back-end acting for the tenant. */
export interface Writer {
  role: Role;
  id: string;
}

interface MessageRow {
  seq: number;
  customer_id: string;
  from_role: string;
  from_id: string;
  from_name: string | null;
  text: string | null;
  attachment_id: string | null;
  at_ms: number;
}

interface AttachmentRow {
  id: string;
  tenant_id: string;
  contact_id: string;
  customer_id: string;
  name: string;
  content_type: string;
  bytes: number;
}

/** A contact's transcript with its customer (who may read it). */
export interface Transcript {
  contactId: ContactId;
  customerId: string;
  messages: ChatEntry[];
  /** How far each side has read (its receipts): the highest seq, 0 before any; any agent's for agents. */
  readUpToSeq: { customer: number; agent: number };
}

const notAssigned = (contactId: ContactId): Rejection =>
  rejection(
    'contact_not_assigned',
    `Contact ${contactId} has no agent yet; chat starts once an agent takes it.`,
    { contactId },
  );

/** A message posted in a live contact's conversation, with the conversation's customer and agent. */
export interface PostedMessage {
  entry: ChatEntry;
  customerId: string;
  agentId: AgentId;
}

/**
 * Hears every message posted in any conversation, whoever posted it: the
 * WebSocket API, the web-chat REST (compat/), a back-end.
 */
export type PostedListener = (
  tenantId: TenantId,
  contactId: ContactId,
  posted: PostedMessage,
) => void;

/** The conversations of every tenant. */
export class Chat {
  readonly #postedListeners = new Set<PostedListener>();
  readonly #store: ServerStore;
  readonly #host: Host;
  readonly #clock: Clock;
  readonly #filesDir: string | null;
  readonly attachmentBytesMax: number;

  constructor(options: {
    store: ServerStore;
    host: Host;
    clock: Clock;
    /** Where attachments are kept; null: attachments are refused. */
    filesDir: string | null;
    attachmentBytesMax?: number;
  }) {
    this.#store = options.store;
    this.#host = options.host;
    this.#clock = options.clock;
    this.#filesDir = options.filesDir;
    this.attachmentBytesMax = options.attachmentBytesMax ?? attachmentBytesMaxDefault;
  }

  /**
   * Who may write in a live contact's conversation: its customer, its agent,
   * a supervisor. The contact's customer and agent, or why not.
   */
  #conversation(
    tenantId: TenantId,
    contactId: ContactId,
    writer: Writer,
  ): { customerId: string; agentId: AgentId } | Rejection {
    const contact = this.#host.view(tenantId)?.contact(contactId) ?? null;
    const isCustomer = writer.role === Role.customer && contact?.customer.id === writer.id;
    // A customer learns nothing of a contact that is not its own.
    if (contact === null || (writer.role === Role.customer && !isCustomer)) {
      return rejection('contact_not_found', `No live contact has id ${contactId}.`, { contactId });
    }
    if (writer.role === Role.agent && contact.agentId !== writer.id) {
      return rejection('forbidden', 'Only the agent the contact is assigned to chats with it.');
    }
    if (contact.agentId === null) return notAssigned(contactId);
    return { customerId: contact.customer.id, agentId: contact.agentId };
  }

  /** Calls the listener with every message posted from now on; returns the function that stops it. */
  onPosted(listener: PostedListener): () => void {
    const own: PostedListener = (...args) => {
      listener(...args);
    };
    this.#postedListeners.add(own);
    return () => {
      this.#postedListeners.delete(own);
    };
  }

  /**
   * Adds a message to a live, assigned contact's conversation; its entry, or
   * why not. The posted listeners hear it before this returns, so that the
   * conversation's parties have it before the writer's answer leaves.
   */
  post(
    tenantId: TenantId,
    contactId: ContactId,
    writer: Writer,
    content: { text?: string; attachmentId?: string },
  ): PostedMessage | Rejection {
    const conversation = this.#conversation(tenantId, contactId, writer);
    if ('code' in conversation) return conversation;
    if (content.text === undefined && content.attachmentId === undefined) {
      return rejection('invalid_command', 'A chat message needs a text, an attachment, or both.');
    }
    let attachment: ChatAttachment | null = null;
    if (content.attachmentId !== undefined) {
      const row = this.#attachmentRow(tenantId, content.attachmentId);
      if (row?.contact_id !== contactId) {
        return rejection(
          'not_found',
          'No attachment of this contact has this id; upload it first.',
        );
      }
      attachment = attachmentOf(row);
    }
    const from = this.#party(tenantId, writer);
    const db = this.#store.db;
    const insert = db.transaction((): ChatEntry => {
      const last = db
        .prepare<[string, string], number>(
          'SELECT coalesce(max(seq), 0) FROM chat_messages WHERE tenant_id = ? AND contact_id = ?',
        )
        .pluck()
        .get(tenantId, contactId);
      const entry: ChatEntry = {
        seq: (last ?? 0) + 1,
        from,
        text: content.text ?? null,
        attachment,
        atMs: this.#clock.nowMs(),
      };
      db.prepare('INSERT INTO chat_messages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        tenantId,
        contactId,
        entry.seq,
        conversation.customerId,
        from.role,
        from.id,
        from.name,
        entry.text,
        attachment?.id ?? null,
        entry.atMs,
      );
      return entry;
    });
    const posted: PostedMessage = { entry: insert.immediate(), ...conversation };
    for (const listener of [...this.#postedListeners]) listener(tenantId, contactId, posted);
    return posted;
  }

  /** Records that a party read the conversation up to a seq; the conversation's parties, or why not. */
  markRead(
    tenantId: TenantId,
    contactId: ContactId,
    writer: Writer,
    upToSeq: number,
  ): { by: ChatParty; customerId: string; agentId: AgentId } | Rejection {
    const conversation = this.#conversation(tenantId, contactId, writer);
    if ('code' in conversation) return conversation;
    this.#store.db
      .prepare(
        `INSERT INTO chat_reads VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET up_to_seq = max(up_to_seq, excluded.up_to_seq)`,
      )
      .run(tenantId, contactId, writer.role, writer.id, upToSeq);
    return { by: this.#party(tenantId, writer), ...conversation };
  }

  /** Whether a party may be told of another's typing: the same check as writing. */
  typing(
    tenantId: TenantId,
    contactId: ContactId,
    writer: Writer,
  ): { from: ChatParty; customerId: string; agentId: AgentId } | Rejection {
    const conversation = this.#conversation(tenantId, contactId, writer);
    if ('code' in conversation) return conversation;
    return { from: this.#party(tenantId, writer), ...conversation };
  }

  /** A contact's transcript, live or ended; null when it has no message. */
  transcript(tenantId: TenantId, contactId: ContactId): Transcript | null {
    const rows = this.#store.db
      .prepare<[string, string], MessageRow>(
        'SELECT * FROM chat_messages WHERE tenant_id = ? AND contact_id = ? ORDER BY seq',
      )
      .all(tenantId, contactId);
    const first = rows[0];
    if (first === undefined) return null;
    return {
      contactId,
      customerId: first.customer_id,
      messages: rows.map((row) => this.#entryOf(tenantId, row)),
      readUpToSeq: this.#readUpToSeq(tenantId, contactId),
    };
  }

  /** How far each side of a conversation has read, from the receipts kept by markRead. */
  #readUpToSeq(tenantId: TenantId, contactId: ContactId): Transcript['readUpToSeq'] {
    const rows = this.#store.db
      .prepare<[string, string], { role: string; up_to_seq: number }>(
        `SELECT role, max(up_to_seq) AS up_to_seq FROM chat_reads
         WHERE tenant_id = ? AND contact_id = ? GROUP BY role`,
      )
      .all(tenantId, contactId);
    const of = (role: string) => rows.find((row) => row.role === role)?.up_to_seq ?? 0;
    return { customer: of('customer'), agent: of('agent') };
  }

  /** The customer of a contact: the live contact's, else its transcript's; null when unknown. */
  customerOf(tenantId: TenantId, contactId: ContactId): string | null {
    const live = this.#host.view(tenantId)?.contact(contactId)?.customer.id;
    if (live !== undefined) return live;
    return (
      this.#store.db
        .prepare<[string, string], string>(
          'SELECT customer_id FROM chat_messages WHERE tenant_id = ? AND contact_id = ? LIMIT 1',
        )
        .pluck()
        .get(tenantId, contactId) ?? null
    );
  }

  /** Keeps a file for a live, assigned contact's conversation; its attachment, or why not. */
  attach(
    tenantId: TenantId,
    contactId: ContactId,
    writer: Writer,
    file: { name: string; contentType: string; bytes: Buffer },
  ): ChatAttachment | Rejection {
    if (this.#filesDir === null) {
      return rejection('unavailable', 'This server keeps no files; start it with a data dir.');
    }
    const conversation = this.#conversation(tenantId, contactId, writer);
    if ('code' in conversation) return conversation;
    const id = randomBytes(12).toString('base64url');
    const dir = join(this.#filesDir, 'attachments');
    mkdirSync(dir, { recursive: true });
    // The file is on disk before its row says it exists: a crash leaves at most an orphan file.
    writeFileSync(join(dir, id), file.bytes, { flush: true });
    const row: AttachmentRow = {
      id,
      tenant_id: tenantId,
      contact_id: contactId,
      customer_id: conversation.customerId,
      name: file.name,
      content_type: file.contentType,
      bytes: file.bytes.length,
    };
    this.#store.db
      .prepare('INSERT INTO attachments VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        id,
        tenantId,
        contactId,
        row.customer_id,
        row.name,
        row.content_type,
        row.bytes,
        this.#clock.nowMs(),
      );
    return attachmentOf(row);
  }

  /** An attachment with its bytes and its customer, or null when the tenant has none of this id. */
  attachment(
    tenantId: TenantId,
    attachmentId: string,
  ): { attachment: ChatAttachment; customerId: string; bytes: Buffer } | null {
    const row = this.#attachmentRow(tenantId, attachmentId);
    if (row === null || this.#filesDir === null) return null;
    const bytes = readFileSync(join(this.#filesDir, 'attachments', row.id));
    return { attachment: attachmentOf(row), customerId: row.customer_id, bytes };
  }

  /** The customer of an attachment, or null. */
  attachmentCustomerOf(tenantId: TenantId, attachmentId: string): string | null {
    return this.#attachmentRow(tenantId, attachmentId)?.customer_id ?? null;
  }

  #attachmentRow(tenantId: TenantId, attachmentId: string): AttachmentRow | null {
    return (
      this.#store.db
        .prepare<[string, string], AttachmentRow>(
          'SELECT * FROM attachments WHERE tenant_id = ? AND id = ?',
        )
        .get(tenantId, attachmentId) ?? null
    );
  }

  #party(tenantId: TenantId, writer: Writer): ChatParty {
    const name =
      writer.role === Role.agent
        ? (this.#host.view(tenantId)?.agent(writer.id as AgentId)?.name ?? null)
        : null;
    return { role: writer.role, id: writer.id, name };
  }

  #entryOf(tenantId: TenantId, row: MessageRow): ChatEntry {
    const attachmentRow =
      row.attachment_id === null ? null : this.#attachmentRow(tenantId, row.attachment_id);
    return {
      seq: row.seq,
      from: { role: row.from_role as Role, id: row.from_id, name: row.from_name },
      text: row.text,
      attachment: attachmentRow === null ? null : attachmentOf(attachmentRow),
      atMs: row.at_ms,
    };
  }
}

function attachmentOf(row: AttachmentRow): ChatAttachment {
  return { id: row.id, name: row.name, contentType: row.content_type, bytes: row.bytes };
}
