/*
 * Who may call Lineup (docs/api.md, Authentication): the scopes of a tenant's
 * API keys and the roles of the short-lived tokens minted for people.
 */

/** What an API key may do; `admin` includes every other scope. */
export const Scope = {
  /** Queues, agents, memberships, API keys, webhooks. */
  admin: 'admin',
  /** Enqueue, read, leave and call back contacts (a web site's back-end); includes read. */
  contacts: 'contacts',
  /** Act for any agent (a telephony bridge); includes read. */
  agents: 'agents',
  /** Read queues, agents, contacts and statistics. */
  read: 'read',
  /** Mint tokens for customers, agents and supervisors. */
  tokens: 'tokens',
} as const;
/** A scope of an API key. */
export type Scope = (typeof Scope)[keyof typeof Scope];
/** Every scope, in the order the API lists them. */
export const scopeList: readonly Scope[] = Object.values(Scope);

/**
 * Who a token stands for: a customer (its own contacts), an agent (reads its
 * tenant, acts for itself), a supervisor (runs its tenant).
 */
export const Role = { customer: 'customer', agent: 'agent', supervisor: 'supervisor' } as const;
/** The role of a token. */
export type Role = (typeof Role)[keyof typeof Role];
/** Every role. */
export const roleList: readonly Role[] = Object.values(Role);

/** Shortest, default and longest lifetime of a token, in seconds. */
export const tokenTtlSeconds = { min: 60, default: 3_600, max: 86_400 } as const;
