import { createHmac, randomBytes } from 'node:crypto';
import type { Journal } from '@lineup/journal';
import { rejection, type Event, type Rejection, type TenantId } from '@lineup/protocol';
import type { CancelTimer, Clock, TimerScheduler } from './clock.ts';
import type { Host } from './host.ts';
import type { ServerStore } from './store.ts';
import { everyEventType, type DeliveryView, type WebhookView } from './schemas.ts';
import {
  DeliveryStatus,
  WebhookOutbox,
  type AttemptResult,
  type DeliveryRow,
  type NewDelivery,
  type WebhookRow,
} from './webhook-outbox.ts';
import { contactIdOf } from './event-subjects.ts';
import { followTenant } from './journal-follower.ts';

/*
 * Webhooks (docs/api.md, Webhooks): a tenant subscribes a URL to event types;
 * every durable batch of the tenant's events that matches is written to the
 * outbox (webhook-outbox.ts) before anything is sent, then POSTed, signed
 * with the webhook's secret. Delivery is at least once: a row leaves the
 * outbox's pending state only on a 2xx answer, or when its attempts or its
 * age run out (then it is failed, listed, and replayable). A lane — one
 * webhook and one contact, or one webhook's events without a contact —
 * sends one row at a time, in order; lanes go in parallel, up to
 * `concurrencyMax` sends in all.
 *
 * Nothing durable is skipped: each batch is written to the outbox with the
 * seq of its journal entry as the tenant's cursor, in one transaction, and
 * the cursor also follows batches no webhook takes (saved within a second,
 * and on close). A start reads the journal after the cursor (catchUp), so
 * events made durable while the process died before the outbox's commit are
 * delivered then. A webhook takes the events of entries after its creation.
 */

/** Sends one delivery: POSTs the body with the headers, and gives the receiver's status. */
export type SendWebhook = (
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
) => Promise<{ status: number }>;

/** Limits and timings of the webhooks. */
export interface WebhookSettings {
  /** Sends under way at once, over every tenant. */
  concurrencyMax: number;
  /** Attempts of one delivery before it fails. */
  attemptsMax: number;
  /** Age (since it became pending) past which a delivery fails at its next failed attempt. */
  pendingAgeMsMax: number;
  /** Wait after the first failed attempt; each later one doubles it. */
  retryDelayMsFirst: number;
  /** Longest wait between two attempts. */
  retryDelayMsMax: number;
  /** Longest wait for a receiver's answer (the default sender's time-out). */
  sendTimeoutMs: number;
  /** Webhooks one tenant may have. */
  webhooksPerTenantMax: number;
  /** How long a delivered row is kept for the deliveries list. */
  deliveredRetentionMs: number;
  /** How long a failed row is kept for a replay. */
  failedRetentionMs: number;
}

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** Defaults of the webhooks' settings: 20 attempts over about two hours, within a day. */
export const webhookSettingsDefault: Readonly<WebhookSettings> = {
  concurrencyMax: 16,
  attemptsMax: 20,
  pendingAgeMsMax: dayMs,
  retryDelayMsFirst: 1_000,
  retryDelayMsMax: 600_000,
  sendTimeoutMs: 10_000,
  webhooksPerTenantMax: 20,
  deliveredRetentionMs: 7 * dayMs,
  failedRetentionMs: 30 * dayMs,
};

/** Time past the send time-out after which a send the process lost (it died) is retried. */
const leaseMarginMs = 30_000;
/** Least time between two prunings of old delivered and failed rows. */
const pruneEveryMs = hourMs;
/** Longest error text kept with a failed attempt, in characters. */
const errorLengthMax = 500;
/** Longest time a cursor moved by batches no webhook takes waits to be saved. */
const cursorSaveEveryMs = 1_000;
/** Rounds of sends `settled` waits for at most: a bound, not an expected number. */
const settleRoundsMax = 100_000;

/** The request headers of a delivery. */
export const webhookHeader = {
  signature: 'lineup-signature',
  eventId: 'lineup-event-id',
  eventType: 'lineup-event-type',
} as const;

/**
 * The Lineup-Signature header of a body sent at `timestampSeconds`:
 * `t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`.
 */
export function signatureOf(secret: string, body: string, timestampSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}

/** Sends with fetch, giving up after `timeoutMs`; redirects are not followed (a 3xx is a failure). */
export function fetchSender(timeoutMs: number): SendWebhook {
  return async (url, body, headers) => {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The answer's body means nothing to Lineup: drop it rather than read it.
    await response.body?.cancel();
    return { status: response.status };
  };
}

/** How the webhooks are set up. */
export interface WebhooksOptions {
  store: ServerStore;
  host: Host;
  clock: Clock;
  scheduler: TimerScheduler;
  /** How a delivery is sent; default fetch with the settings' time-out. */
  send?: SendWebhook;
  /** The host's journal, read after each tenant's cursor on open; none for a memory host. */
  journal?: Journal;
  settings?: Partial<WebhookSettings>;
}

/** A webhook to create. */
export interface WebhookInput {
  url: string;
  eventTypes: readonly string[];
  description?: string;
}

function viewOf(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    eventTypes: JSON.parse(row.event_types) as string[],
    description: row.description,
    createdAtMs: row.created_at_ms,
  };
}

function deliveryViewOf(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventType: row.event_type,
    contactId: row.lane === '' ? null : row.lane,
    status: row.status,
    attempts: row.attempts,
    createdAtMs: row.created_at_ms,
    lastAttemptAtMs: row.last_attempt_at_ms,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    nextAttemptAtMs: row.next_attempt_at_ms,
    deliveredAtMs: row.delivered_at_ms,
  };
}

const webhookNotFound = (webhookId: string): Rejection =>
  rejection('webhook_not_found', `The tenant has no webhook ${webhookId}; list its webhooks.`, {
    webhookId,
  });

/** A webhook in memory: its row and the event types it takes (null: every one). */
interface Subscription {
  row: WebhookRow;
  eventTypes: ReadonlySet<string> | null;
}

/** Every tenant's webhooks, their outbox and its delivery. */
export class Webhooks {
  readonly settings: Readonly<WebhookSettings>;
  readonly #outbox: WebhookOutbox;
  readonly #host: Host;
  readonly #clock: Clock;
  readonly #scheduler: TimerScheduler;
  readonly #send: SendWebhook;
  /** Webhooks by tenant, then id: an event never reads the disk to find its webhooks. */
  readonly #byTenant = new Map<TenantId, Map<string, Subscription>>();
  readonly #unsubscribes = new Map<TenantId, () => void>();
  /** Per tenant, the seq of the last journal entry taken in (written to the outbox or not). */
  readonly #heard = new Map<TenantId, number>();
  /** Tenants whose cursor moved past its saved value, and the timer that saves them. */
  readonly #unsaved = new Set<TenantId>();
  #saveTimer: CancelTimer | null = null;
  /** Sends under way, by the row's seq. */
  readonly #inFlight = new Map<number, Promise<void>>();
  #timer: { atMs: number; cancel: CancelTimer } | null = null;
  #lastPruneMs = Number.NEGATIVE_INFINITY;
  #isClosed = false;
  /** Settles once every tenant caught up with its journal (open, with a journal). */
  caughtUp: Promise<void> = Promise.resolve();

  private constructor(options: WebhooksOptions) {
    this.settings = { ...webhookSettingsDefault, ...options.settings };
    this.#outbox = new WebhookOutbox(options.store);
    this.#host = options.host;
    this.#clock = options.clock;
    this.#scheduler = options.scheduler;
    this.#send = options.send ?? fetchSender(this.settings.sendTimeoutMs);
  }

  /**
   * Loads the webhooks, listens to the events of every tenant that has one,
   * and resumes the pending deliveries. With the host's journal, it first
   * delivers what the journal holds after each tenant's cursor; live events
   * arriving meanwhile wait their turn (caughtUp settles after).
   */
  static open(options: WebhooksOptions): Webhooks {
    const webhooks = new Webhooks(options);
    for (const row of webhooks.#outbox.allWebhooks()) webhooks.#remember(row);
    const tenantIds = [...webhooks.#byTenant.keys()];
    webhooks.caughtUp = Promise.all(
      tenantIds.map((tenantId) => webhooks.#listen(tenantId, options.journal)),
    ).then(() => undefined);
    webhooks.#pump();
    return webhooks;
  }

  /** Creates a webhook; its secret is in the result and, for signing, in the store. */
  create(tenantId: TenantId, input: WebhookInput): (WebhookView & { secret: string }) | Rejection {
    const count = this.#byTenant.get(tenantId)?.size ?? 0;
    if (count >= this.settings.webhooksPerTenantMax) {
      return rejection(
        'limit_reached',
        `A tenant has at most ${this.settings.webhooksPerTenantMax} webhooks; delete one first.`,
        { limit: 'webhooksPerTenant', max: this.settings.webhooksPerTenantMax },
      );
    }
    const eventTypes = input.eventTypes.includes(everyEventType)
      ? [everyEventType]
      : [...input.eventTypes];
    const row: WebhookRow = {
      id: `wh_${randomBytes(9).toString('base64url')}`,
      tenant_id: tenantId,
      url: input.url,
      event_types: JSON.stringify(eventTypes),
      description: input.description ?? null,
      secret: `whsec_${randomBytes(32).toString('base64url')}`,
      created_at_ms: this.#clock.nowMs(),
      from_seq: this.#host.lastSeq(tenantId) ?? 0,
    };
    this.#outbox.insertWebhook(row);
    // The tenant's first webhook: its cursor starts here, not at the journal's first entry.
    if (!this.#byTenant.has(tenantId)) this.#outbox.saveCursor(tenantId, row.from_seq);
    this.#remember(row);
    void this.#listen(tenantId);
    return { ...viewOf(row), secret: row.secret };
  }

  /** A tenant's webhooks, oldest first, without their secrets. */
  list(tenantId: TenantId): WebhookView[] {
    return [...(this.#byTenant.get(tenantId)?.values() ?? [])].map(({ row }) => viewOf(row));
  }

  /** One webhook of a tenant, or why not. */
  get(tenantId: TenantId, webhookId: string): WebhookView | Rejection {
    const subscription = this.#byTenant.get(tenantId)?.get(webhookId);
    return subscription === undefined ? webhookNotFound(webhookId) : viewOf(subscription.row);
  }

  /** Deletes a webhook with its deliveries: nothing more is sent to it. */
  delete(tenantId: TenantId, webhookId: string): Rejection | null {
    const subscriptions = this.#byTenant.get(tenantId);
    if (subscriptions?.has(webhookId) !== true) return webhookNotFound(webhookId);
    this.#outbox.deleteWebhook(webhookId);
    subscriptions.delete(webhookId);
    if (subscriptions.size === 0) {
      this.#byTenant.delete(tenantId);
      this.#unsubscribes.get(tenantId)?.();
      this.#unsubscribes.delete(tenantId);
    }
    return null;
  }

  /** A page of a webhook's deliveries, newest first; `next` is the cursor of the next page. */
  deliveries(
    tenantId: TenantId,
    webhookId: string,
    query: { status?: DeliveryStatus; after?: string; limit: number },
  ): { items: DeliveryView[]; next: string | null } | Rejection {
    if (this.#byTenant.get(tenantId)?.has(webhookId) !== true) return webhookNotFound(webhookId);
    const rows = this.#outbox.page(webhookId, {
      limit: query.limit + 1,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.after === undefined ? {} : { beforeSeq: Number(query.after) }),
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    const next = rows.length > query.limit && last !== undefined ? String(last.seq) : null;
    return { items: items.map(deliveryViewOf), next };
  }

  /** One delivery of a tenant's webhook, or why not. */
  delivery(tenantId: TenantId, webhookId: string, deliveryId: string): DeliveryView | Rejection {
    const row = this.#deliveryRow(tenantId, webhookId, deliveryId);
    return 'code' in row ? row : deliveryViewOf(row);
  }

  /** Sends a failed delivery again, now (or right after its lane's current delivery). */
  replay(tenantId: TenantId, webhookId: string, deliveryId: string): DeliveryView | Rejection {
    const row = this.#deliveryRow(tenantId, webhookId, deliveryId);
    if ('code' in row) return row;
    if (row.status !== DeliveryStatus.failed) {
      return rejection(
        'delivery_not_failed',
        `Delivery ${deliveryId} is ${row.status}; only a failed delivery can be replayed.`,
        { deliveryId, status: row.status },
      );
    }
    this.#outbox.replay([row], this.#clock.nowMs());
    this.#pump();
    return this.delivery(tenantId, webhookId, deliveryId);
  }

  /** Sends every failed delivery of a webhook again, oldest first; gives how many. */
  replayFailed(tenantId: TenantId, webhookId: string): { replayed: number } | Rejection {
    if (this.#byTenant.get(tenantId)?.has(webhookId) !== true) return webhookNotFound(webhookId);
    const replayed = this.#outbox.replay(this.#outbox.failed(webhookId), this.#clock.nowMs());
    this.#pump();
    return { replayed };
  }

  /** Resolves once no send is under way and none is due now: for tests and for closing. */
  async settled(): Promise<void> {
    for (let round = 0; round < settleRoundsMax; round++) {
      if (this.#inFlight.size === 0) return;
      await Promise.all(this.#inFlight.values());
    }
    throw new Error(`Webhook sends did not settle in ${settleRoundsMax} rounds`);
  }

  /** Stops listening and sending, saves the cursors; resolves once the sends under way have ended. */
  async close(): Promise<void> {
    this.#isClosed = true;
    for (const unsubscribe of this.#unsubscribes.values()) unsubscribe();
    this.#unsubscribes.clear();
    this.#timer?.cancel();
    this.#timer = null;
    this.#saveCursors();
    await Promise.all(this.#inFlight.values());
  }

  #deliveryRow(tenantId: TenantId, webhookId: string, deliveryId: string): DeliveryRow | Rejection {
    if (this.#byTenant.get(tenantId)?.has(webhookId) !== true) return webhookNotFound(webhookId);
    return (
      this.#outbox.delivery(tenantId, webhookId, deliveryId) ??
      rejection('delivery_not_found', `Webhook ${webhookId} has no delivery ${deliveryId}.`, {
        deliveryId,
      })
    );
  }

  #remember(row: WebhookRow): void {
    const tenantId = row.tenant_id as TenantId;
    const types = JSON.parse(row.event_types) as string[];
    const eventTypes = types.includes(everyEventType) ? null : new Set(types);
    const subscriptions = this.#byTenant.get(tenantId) ?? new Map<string, Subscription>();
    subscriptions.set(row.id, { row, eventTypes });
    this.#byTenant.set(tenantId, subscriptions);
  }

  /**
   * Follows a tenant's events once, from its cursor (journal-follower.ts):
   * with the journal, what it holds after the cursor comes first. A tenant
   * the host does not hold (yet) has none.
   */
  #listen(tenantId: TenantId, journal?: Journal): Promise<void> {
    if (this.#isClosed || this.#unsubscribes.has(tenantId) || !this.#host.hasTenant(tenantId))
      return Promise.resolve();
    const afterSeq = this.#outbox.cursor(tenantId) ?? this.#host.lastSeq(tenantId) ?? 0;
    const following = followTenant({
      host: this.#host,
      ...(journal === undefined ? {} : { journal }),
      tenantId,
      afterSeq,
      take: (events, seq) => {
        this.#enqueue(tenantId, events, seq);
      },
    });
    this.#unsubscribes.set(tenantId, following.unsubscribe);
    return following.caughtUp;
  }

  /**
   * Writes the matching events of a durable batch (journal entry `seq`) to
   * the outbox, in order, with the tenant's cursor, then sends.
   */
  #enqueue(tenantId: TenantId, events: readonly Event[], seq: number): void {
    const subscriptions = this.#byTenant.get(tenantId);
    if (subscriptions === undefined) return;
    this.#heard.set(tenantId, seq);
    const rows: NewDelivery[] = [];
    for (const event of events) {
      for (const { row, eventTypes } of subscriptions.values()) {
        if (seq <= row.from_seq) continue;
        if (eventTypes !== null && !eventTypes.has(event.type)) continue;
        const id = `dl_${randomBytes(12).toString('base64url')}`;
        const { type, atMs } = event;
        rows.push({
          id,
          webhookId: row.id,
          tenantId,
          lane: contactIdOf(event) ?? '',
          eventType: type,
          body: JSON.stringify({ id, tenantId, type, atMs, event }),
        });
      }
    }
    if (rows.length === 0) {
      this.#unsaved.add(tenantId);
      this.#saveTimer ??= this.#scheduler.setTimer(this.#clock.nowMs() + cursorSaveEveryMs, () => {
        this.#saveCursors();
      });
      return;
    }
    this.#outbox.append(rows, this.#clock.nowMs(), { tenantId, seq });
    this.#unsaved.delete(tenantId);
    this.#pump();
  }

  /** Saves the cursors that moved with batches no webhook took. */
  #saveCursors(): void {
    this.#saveTimer?.();
    this.#saveTimer = null;
    for (const tenantId of this.#unsaved) {
      const seq = this.#heard.get(tenantId);
      if (seq !== undefined) this.#outbox.saveCursor(tenantId, seq);
    }
    this.#unsaved.clear();
  }

  /** Starts the due sends the concurrency allows, then arms the timer for the next one. */
  #pump(): void {
    if (this.#isClosed) return;
    const nowMs = this.#clock.nowMs();
    if (nowMs - this.#lastPruneMs >= pruneEveryMs) {
      this.#outbox.prune(
        nowMs - this.settings.deliveredRetentionMs,
        nowMs - this.settings.failedRetentionMs,
      );
      this.#lastPruneMs = nowMs;
    }
    const free = this.settings.concurrencyMax - this.#inFlight.size;
    if (free > 0) {
      // In-flight rows may be due again when a manual clock passes their lease: skip them.
      const due = this.#outbox.due(nowMs, free + this.#inFlight.size);
      for (const row of due
        .filter((candidate) => !this.#inFlight.has(candidate.seq))
        .slice(0, free))
        this.#start(row, nowMs);
    }
    this.#arm(nowMs);
  }

  /**
   * Arms one timer at the next head's time. None while every due head is
   * sending or waits for a free slot: a send's end pumps again, and a timer
   * due at once would spin.
   */
  #arm(nowMs: number): void {
    const next = this.#outbox
      .nextHeads(this.#inFlight.size + 1)
      .find((head) => !this.#inFlight.has(head.seq));
    const atMs = next?.next_attempt_at_ms;
    if (atMs === undefined || atMs <= nowMs) return;
    if (this.#timer !== null && this.#timer.atMs <= atMs) return;
    this.#timer?.cancel();
    const cancel = this.#scheduler.setTimer(atMs, () => {
      this.#timer = null;
      this.#pump();
    });
    this.#timer = { atMs, cancel };
  }

  #start(row: DeliveryRow, nowMs: number): void {
    this.#outbox.lease(row.seq, nowMs + this.settings.sendTimeoutMs + leaseMarginMs);
    const sent = this.#attempt(row).finally(() => {
      this.#inFlight.delete(row.seq);
      this.#pump();
    });
    this.#inFlight.set(row.seq, sent);
  }

  /** Sends one row once and records how it went. */
  async #attempt(row: DeliveryRow): Promise<void> {
    const subscription = this.#byTenant.get(row.tenant_id as TenantId)?.get(row.webhook_id);
    // Deleted since it was picked: its rows are gone with it.
    if (subscription === undefined) return;
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Lineup-Webhooks/1',
      [webhookHeader.signature]: signatureOf(
        subscription.row.secret,
        row.body,
        Math.floor(this.#clock.nowMs() / 1000),
      ),
      [webhookHeader.eventId]: row.id,
      [webhookHeader.eventType]: row.event_type,
    };
    let result: AttemptResult;
    try {
      const { status } = await this.#send(subscription.row.url, row.body, headers);
      const isDelivered = status >= 200 && status < 300;
      result = {
        atMs: this.#clock.nowMs(),
        statusCode: status,
        error: isDelivered ? null : `HTTP ${status}`,
      };
    } catch (error: unknown) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      result = {
        atMs: this.#clock.nowMs(),
        statusCode: null,
        error: message.slice(0, errorLengthMax),
      };
    }
    this.#record(row, result);
  }

  /** Delivered, retried after a back-off, or failed for good. */
  #record(row: DeliveryRow, result: AttemptResult): void {
    if (result.error === null) {
      this.#outbox.recordDelivered(row, result);
      return;
    }
    const attempts = row.attempts + 1;
    const ageMs = result.atMs - row.pending_since_ms;
    if (attempts >= this.settings.attemptsMax || ageMs >= this.settings.pendingAgeMsMax) {
      this.#outbox.recordFailed(row, result);
      return;
    }
    this.#outbox.recordRetry(row, result, result.atMs + retryDelayMs(this.settings, attempts));
  }
}

/** The wait after the `attempts`-th failed attempt: 1 s, 2 s, 4 s, … up to the maximum. */
export function retryDelayMs(settings: Readonly<WebhookSettings>, attempts: number): number {
  const delayMs = settings.retryDelayMsFirst * 2 ** Math.min(attempts - 1, 30);
  return Math.min(delayMs, settings.retryDelayMsMax);
}
