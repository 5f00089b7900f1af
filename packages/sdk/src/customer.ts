import {
  Role,
  asContactId,
  asCustomerId,
  type Attributes,
  type Channel,
  type ContactId,
  type Customer,
  type EventOf,
  type QueueId,
} from '@lineup/protocol';
import { LineupClient, eventOf, type ClientEvents, type CommandResult } from './client.ts';
import type { ClientOptions } from './options.ts';
import { randomId } from './options.ts';
import { segment } from './rest.ts';
import type {
  LeftMessage,
  LeftMessageCustomer,
  Page,
  PageQuery,
  PublicQueueStatus,
  Rating,
} from './views.ts';

/*
 * The customer's client: join a queue, learn the place in line (`place`),
 * chat with the agent, leave, ask for a callback, rate the contact. The
 * token's subject is the customer id; every contact it creates is its own.
 */

/** What a customer hears: its contacts' events, its place in line, its conversations. */
export type CustomerEvents = Omit<
  ClientEvents,
  'waiting' | 'assignments' | 'announcement' | 'callQuality'
>;

/** How a customer joins a queue. */
export interface JoinInput {
  queueId: QueueId;
  channel: Channel;
  /** The contact's id; default a random one. A second join with the same id is `contact_exists`. */
  contactId?: ContactId;
  /** The customer's name, number and type as agents see them (default type `normal`). */
  customer?: Omit<Customer, 'id' | 'type'> & { type?: Customer['type'] };
  priority?: number;
  attributes?: Attributes;
}

/** How a customer asks to be called back without waiting on the line (R10). */
export interface CallbackInput {
  queueId: QueueId;
  /** The number to call. */
  number: string;
  /** The callback's id; default a random one. */
  contactId?: ContactId;
  name?: string;
  priority?: number;
  attributes?: Attributes;
  /** Not before this time (epoch ms). */
  notBeforeMs?: number;
}

/**
 * A message for a queue that is offline or closed (R11, R16): a text of 1 to
 * `leftMessageTextLengthMax` characters and how to reach the customer.
 */
export type MessageInput = Omit<LeftMessageCustomer, 'id'> & { text: string };

/** What joining did: the contact waits (`contactQueued`, with its first position and EWT) or was turned away. */
export type JoinResult = EventOf<'contactQueued'> | EventOf<'contactDeflected'>;

/** A customer's connection to Lineup. */
export class LineupCustomer extends LineupClient<CustomerEvents> {
  /** Connects with a customer token (minted by your back-end for this customer). */
  constructor(options: ClientOptions) {
    super(options, Role.customer);
  }

  /** The customer id the server confirmed (the token's subject). */
  async customerId(): Promise<string> {
    return this.subject();
  }

  /** A page of the tenant's queues as a customer may see them before joining: name, channels, live status. */
  async queueStatuses(page: PageQuery = {}): Promise<Page<PublicQueueStatus>> {
    const body = await this.rest.call<{ queues: PublicQueueStatus[]; next: string | null }>(
      'GET',
      '/queue-statuses',
      undefined,
      { ...page },
    );
    return { items: body.queues, next: body.next };
  }

  /** Joins a queue (R13: the answer carries the first position and EWT; then `place` follows changes). */
  async join(input: JoinInput): Promise<JoinResult> {
    const contactId = input.contactId ?? asContactId(randomId());
    const customer: Customer = {
      ...input.customer,
      id: asCustomerId(await this.subject()),
      type: input.customer?.type ?? 'normal',
    };
    const { events } = await this.command({
      type: 'enqueueContact',
      contact: {
        id: contactId,
        queueId: input.queueId,
        channel: input.channel,
        customer,
        ...(input.priority === undefined ? {} : { priority: input.priority }),
        ...(input.attributes === undefined ? {} : { attributes: input.attributes }),
      },
    });
    const outcome = eventOf(events, 'contactQueued') ?? eventOf(events, 'contactDeflected');
    if (outcome === undefined) {
      throw new TypeError(
        `Joining ${contactId} answered neither contactQueued nor contactDeflected.`,
      );
    }
    return outcome;
  }

  /** Leaves the line (the contact is abandoned); an offer for it is withdrawn. */
  leave(contactId: ContactId): Promise<CommandResult> {
    return this.command({ type: 'abandonContact', contactId });
  }

  /** Turns a waiting contact into a callback to `number`, keeping its place (R10). */
  convertToCallback(contactId: ContactId, number: string): Promise<CommandResult> {
    return this.command({ type: 'convertToCallback', contactId, number });
  }

  /** Asks for a callback without waiting on the line (a "call me back" form, R10). */
  async requestCallback(input: CallbackInput): Promise<CommandResult> {
    const customer: Customer = {
      id: asCustomerId(await this.subject()),
      type: 'normal',
      number: input.number,
      ...(input.name === undefined ? {} : { name: input.name }),
    };
    return this.command({
      type: 'requestCallback',
      contact: {
        id: input.contactId ?? asContactId(randomId()),
        queueId: input.queueId,
        customer,
        ...(input.priority === undefined ? {} : { priority: input.priority }),
        ...(input.attributes === undefined ? {} : { attributes: input.attributes }),
        ...(input.notBeforeMs === undefined ? {} : { notBeforeMs: input.notBeforeMs }),
      },
    });
  }

  /**
   * Leaves a message for a queue, as this customer (`POST /queues/{id}/messages`):
   * what a customer does when joining answers `contactDeflected` with action
   * `leaveMessage`. Any queue takes messages.
   */
  async leaveMessage(queueId: QueueId, input: MessageInput): Promise<LeftMessage> {
    const { text, ...contact } = input;
    const customer: LeftMessageCustomer = { ...contact, id: asCustomerId(await this.subject()) };
    return this.rest.call<LeftMessage>('POST', `/queues/${segment(queueId)}/messages`, {
      json: { customer, text },
    });
  }

  /** Rates a contact that ended after an answer, once: a score of 1–5 and an optional comment. */
  rate(contactId: ContactId, score: number, comment?: string): Promise<Rating> {
    return this.rest.call<Rating>('POST', `/contacts/${segment(contactId)}/rating`, {
      json: comment === undefined ? { score } : { score, comment },
    });
  }
}
