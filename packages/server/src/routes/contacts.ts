import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  Scope,
  asContactId,
  rejection,
  type ContactId,
  type Event,
  type TenantId,
} from '@lineup/protocol';
import type { Host } from '../host.ts';
import {
  CallbackRequestInputSchema,
  ContactParamsSchema,
  ContactViewSchema,
  ConvertInputSchema,
  DeflectedViewSchema,
  EnqueueInputSchema,
  TenantParamsSchema,
  type ContactPlacedView,
  type DeflectedView,
} from '../schemas.ts';
import { contactViewOf, present } from '../views.ts';
import {
  Tag,
  addRoute,
  goneSinceFirst,
  ok,
  submitCommand,
  submitNoContent,
  viewOf,
} from './route.ts';

/*
 * Contacts (DESIGN.md §1): a customer joins a queue and learns its position
 * and EWT (R13), reads them again, leaves, or turns its contact into a
 * callback keeping its place (R10); a web form asks for a callback with no
 * live customer. Ids the client leaves out are minted here: the engine takes
 * ids from outside so that it stays deterministic.
 */

/** A new contact id: a random UUID, which the id pattern accepts. */
const mintContactId = (): ContactId => asContactId(randomUUID());

/** How the queue turned the contact away, if it did (R11, R16, queue full). */
function deflectionIn(events: readonly Event[], contactId: ContactId): DeflectedView | null {
  for (const event of events) {
    if (event.type === 'contactDeflected' && event.contactId === contactId) {
      const { reason, action, message } = event;
      return { id: contactId, queueId: event.queueId, deflected: { reason, action, message } };
    }
  }
  return null;
}

/**
 * The id of the contact a join (enqueue or callback request) made: the last
 * contact queued or deflected among its events, which end with the join's own
 * (timers that fell due before it come first). A replay needs it: a retry
 * without an id mints another than the first request did.
 */
function joinedIdIn(events: readonly Event[]): ContactId | null {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index];
    if (event?.type === 'contactQueued') return event.contact.id;
    if (event?.type === 'contactDeflected') return event.contactId;
  }
  return null;
}

/** The customer of a contact, for a customer's token; null for no such contact. */
function customerOfContact(
  host: Host,
  params: { tenantId: TenantId; contactId: ContactId },
): string | null {
  return host.view(params.tenantId)?.contact(params.contactId)?.customer.id ?? null;
}

type Joined = { deflected: DeflectedView } | { contact: ContactPlacedView };

/** Registers the contact routes under /v1/tenants/:tenantId. */
export function contactRoutes(app: FastifyInstance, host: Host): void {
  addRoute(app, {
    method: 'POST',
    url: '/contacts',
    tag: Tag.contacts,
    summary: 'A customer joins a queue',
    description:
      '201 with the waiting contact, its position and EWT (R13); 200 with `deflected` when the queue ' +
      'turned it away because it is closed (R16), offline (R11) or full.',
    params: TenantParamsSchema,
    body: EnqueueInputSchema,
    responses: { 201: ContactViewSchema, 200: DeflectedViewSchema },
    errors: ['contact_exists', 'queue_not_found', 'channel_not_served', 'limit_reached'],
    isIdempotent: true,
    access: { scope: Scope.contacts, customerOf: ({ body }) => body.customer.id },
    handler: async ({ params, body, commandId }) => {
      const minted = body.id ?? mintContactId();
      const outcome = await host.submit(
        params.tenantId,
        { type: 'enqueueContact', contact: { ...body, id: minted } },
        (view, events): Joined | null => {
          const id = joinedIdIn(events) ?? minted;
          const deflected = deflectionIn(events, id);
          if (deflected !== null) return { deflected };
          const contact = contactViewOf(view, id);
          return contact === null ? null : { contact };
        },
        commandId === undefined ? {} : { commandId },
      );
      if (outcome.rejection !== null) return outcome.rejection;
      const isReplayed = outcome.isReplayed === true;
      // Right after a join its contact is there; on a replay it may have ended since.
      const joined = isReplayed ? outcome.after : present(outcome.after, 'contact');
      if (joined === null) return goneSinceFirst('contact');
      return 'deflected' in joined
        ? { ...ok(200, joined.deflected), isReplayed }
        : { ...ok(201, joined.contact), isReplayed };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/contacts/:contactId',
    tag: Tag.contacts,
    summary: 'Read a live contact with its position and EWT',
    description: 'Position and EWT are null while the contact is offered, assigned or not yet due.',
    params: ContactParamsSchema,
    responses: { 200: ContactViewSchema },
    errors: ['contact_not_found'],
    access: { scope: Scope.read, customerOf: ({ params }) => customerOfContact(host, params) },
    handler: ({ params }) => {
      const contact = contactViewOf(viewOf(host, params.tenantId), params.contactId);
      return Promise.resolve(
        contact === null
          ? rejection(
              'contact_not_found',
              `No live contact has id ${params.contactId}; it may have ended already.`,
              { contactId: params.contactId },
            )
          : ok(200, contact),
      );
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/contacts/:contactId/leave',
    tag: Tag.contacts,
    summary: 'The waiting customer leaves (abandons)',
    description: 'An offer for the contact is withdrawn.',
    params: ContactParamsSchema,
    responses: { 204: Type.Null({ description: 'The contact has ended' }) },
    errors: ['contact_not_found', 'contact_not_waiting'],
    isIdempotent: true,
    access: { scope: Scope.contacts, customerOf: ({ params }) => customerOfContact(host, params) },
    handler: ({ params, commandId }) =>
      submitNoContent(
        host,
        params.tenantId,
        { type: 'abandonContact', contactId: params.contactId },
        commandId,
      ),
  });

  addRoute(app, {
    method: 'POST',
    url: '/contacts/:contactId/callback',
    tag: Tag.contacts,
    summary: 'The waiting customer asks to be called back and hangs up, keeping its place (R10)',
    params: ContactParamsSchema,
    body: ConvertInputSchema,
    responses: { 200: ContactViewSchema },
    errors: ['contact_not_found', 'contact_not_waiting', 'callbacks_not_allowed'],
    isIdempotent: true,
    access: { scope: Scope.contacts, customerOf: ({ params }) => customerOfContact(host, params) },
    handler: ({ params, body, commandId }) =>
      submitCommand(
        host,
        params.tenantId,
        { type: 'convertToCallback', contactId: params.contactId, number: body.number },
        200,
        (view) => contactViewOf(view, params.contactId),
        'contact',
        commandId,
      ),
  });

  addRoute(app, {
    method: 'POST',
    url: '/callbacks',
    tag: Tag.contacts,
    summary: 'Request a callback with no live customer ("call me back")',
    description:
      'For a web form or an e-mail: an agent calls customer.number, not before notBeforeMs (R10).',
    params: TenantParamsSchema,
    body: CallbackRequestInputSchema,
    responses: { 201: ContactViewSchema },
    errors: [
      'contact_exists',
      'queue_not_found',
      'callbacks_not_allowed',
      'callback_number_required',
      'queue_full',
      'limit_reached',
    ],
    isIdempotent: true,
    access: { scope: Scope.contacts, customerOf: ({ body }) => body.customer.id },
    handler: ({ params, body, commandId }) => {
      const minted = body.id ?? mintContactId();
      return submitCommand(
        host,
        params.tenantId,
        { type: 'requestCallback', contact: { ...body, id: minted } },
        201,
        (view, events) => contactViewOf(view, joinedIdIn(events) ?? minted),
        'contact',
        commandId,
      );
    },
  });
}
