import { Type, type Static } from 'typebox';

/*
 * Ids are branded strings so that a queue id cannot be passed where an agent id
 * belongs. Ids are chosen by the caller (the server mints them, the simulator
 * numbers them), which keeps the engine deterministic.
 */

declare const brand: unique symbol;
/** A string tagged with the kind of thing it names. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Id of a tenant (one contact center). */
export type TenantId = Brand<string, 'TenantId'>;
/** Id of a queue (skill group). */
export type QueueId = Brand<string, 'QueueId'>;
/** Id of an agent. */
export type AgentId = Brand<string, 'AgentId'>;
/** Id of a contact (one customer request). */
export type ContactId = Brand<string, 'ContactId'>;
/** Id of an offer (a contact proposed to one agent). */
export type OfferId = Brand<string, 'OfferId'>;
/** Id of a customer, as the tenant's own systems know them. */
export type CustomerId = Brand<string, 'CustomerId'>;

/** Longest id, in characters. */
export const idLengthMax = 128;

/** Ids are short printable tokens: they travel in URLs, logs and metric labels. */
const idPattern = '^[A-Za-z0-9][A-Za-z0-9._:@-]*$';

function idSchema<T extends string>(description: string) {
  return Type.Unsafe<T>(
    Type.String({ minLength: 1, maxLength: idLengthMax, pattern: idPattern, description }),
  );
}

/** Schema of a tenant id. */
export const TenantIdSchema = idSchema<TenantId>('Tenant id');
/** Schema of a queue id. */
export const QueueIdSchema = idSchema<QueueId>('Queue id');
/** Schema of an agent id. */
export const AgentIdSchema = idSchema<AgentId>('Agent id');
/** Schema of a contact id. */
export const ContactIdSchema = idSchema<ContactId>('Contact id');
/** Schema of an offer id. */
export const OfferIdSchema = idSchema<OfferId>('Offer id');
/** Schema of a customer id. */
export const CustomerIdSchema = idSchema<CustomerId>('Customer id');

/** Brands a string already validated by its schema (or minted by trusted code). */
export const asTenantId = (id: string): TenantId => id as TenantId;
/** Brands a queue id. */
export const asQueueId = (id: string): QueueId => id as QueueId;
/** Brands an agent id. */
export const asAgentId = (id: string): AgentId => id as AgentId;
/** Brands a contact id. */
export const asContactId = (id: string): ContactId => id as ContactId;
/** Brands an offer id. */
export const asOfferId = (id: string): OfferId => id as OfferId;
/** Brands a customer id. */
export const asCustomerId = (id: string): CustomerId => id as CustomerId;

export type { Static };
