import type { Event, QueueId, QueueStatus, TenantId } from '@lineup/protocol';
import type { CancelTimer, Clock, TimerScheduler } from './clock.ts';
import type { Host } from './host.ts';

/*
 * Each queue's last hour, one sample a minute, for the wallboard's chart
 * (GET /queues/{queueId}/samples): a wallboard opened now draws the hour
 * before it too. A minute's sample folds every status the minute saw (its
 * highest waiting count, so that a short peak shows) and the last one (the
 * waiting count and service level at its end). Kept in memory only: they
 * are a view of the live statuses, not a record (the 15-minute intervals of
 * records.ts are the record), so a restart starts them again.
 */

/** One minute of a queue. */
export interface QueueSample {
  /** Start of the minute, epoch ms. */
  atMs: number;
  /** Contacts waiting at the minute's last status. */
  waiting: number;
  /** The most contacts waiting at any status of the minute. */
  waitingMax: number;
  /** The service level at the minute's last status (0–1), or null before the window's first answer. */
  serviceLevel: number | null;
}

/** The length of one sample. */
export const sampleMinuteMs = 60_000;
/** How far back samples are kept: the chart's hour. */
export const samplesSpanMs = 3_600_000;
/** Samples a queue keeps at most: an hour of minutes. */
const samplesPerQueueMax = samplesSpanMs / sampleMinuteMs;

/** The services the samples read. */
export interface QueueSamplesOptions {
  host: Host;
  clock: Clock;
  scheduler: TimerScheduler;
}

/**
 * The samples of every queue of every tenant. Statuses arrive with the
 * tenants' queueStatusChanged events; once a minute each queue's current
 * status is taken too, so that a quiet queue still has its line, and tenants
 * created since are followed.
 */
export class QueueSamples {
  readonly #host: Host;
  readonly #clock: Clock;
  readonly #scheduler: TimerScheduler;
  /** Per tenant, per queue, its samples oldest first; at most samplesPerQueueMax each. */
  readonly #series = new Map<TenantId, Map<QueueId, QueueSample[]>>();
  readonly #unsubscribes = new Map<TenantId, () => void>();
  #cancelTimer: CancelTimer | null = null;

  constructor(options: QueueSamplesOptions) {
    this.#host = options.host;
    this.#clock = options.clock;
    this.#scheduler = options.scheduler;
    this.#takeAll();
  }

  /**
   * A queue's samples since `sinceMs` (those whose minute ends after it),
   * oldest first, within the last hour; null for a queue the tenant does not have.
   */
  samples(tenantId: TenantId, queueId: QueueId, sinceMs: number): QueueSample[] | null {
    const status = this.#host.view(tenantId)?.queueStatus(queueId) ?? null;
    if (status === null) return null;
    this.#follow(tenantId);
    const nowMs = this.#clock.nowMs();
    // The minute under way ends with the status of now.
    this.#fold(tenantId, status, nowMs);
    const fromMs = Math.max(sinceMs, nowMs - samplesSpanMs);
    return (this.#series.get(tenantId)?.get(queueId) ?? [])
      .filter((sample) => sample.atMs + sampleMinuteMs > fromMs)
      .map((sample) => ({ ...sample }));
  }

  /**
   * Follows every tenant the host has now. The app calls it after creating
   * tenants beside the API (the demo); the minute's tick finds others.
   */
  followAll(): void {
    for (const tenantId of this.#host.tenantIds()) this.#follow(tenantId);
  }

  /** Stops: ends the subscriptions and the minute's timer. */
  close(): void {
    for (const unsubscribe of this.#unsubscribes.values()) unsubscribe();
    this.#unsubscribes.clear();
    this.#cancelTimer?.();
    this.#cancelTimer = null;
  }

  /** Follows a tenant's statuses from now on; twice does nothing. */
  #follow(tenantId: TenantId): void {
    if (this.#unsubscribes.has(tenantId) || !this.#host.hasTenant(tenantId)) return;
    const unsubscribe = this.#host.subscribe(tenantId, (events) => {
      this.#hear(tenantId, events);
    });
    this.#unsubscribes.set(tenantId, unsubscribe);
  }

  #hear(tenantId: TenantId, events: readonly Event[]): void {
    const nowMs = this.#clock.nowMs();
    for (const event of events) {
      if (event.type === 'queueStatusChanged') this.#fold(tenantId, event.status, nowMs);
    }
  }

  /** Takes every queue's status now, forgets deleted queues, and arms the next minute. */
  #takeAll(): void {
    const nowMs = this.#clock.nowMs();
    for (const tenantId of this.#host.tenantIds()) {
      this.#follow(tenantId);
      const view = this.#host.view(tenantId);
      if (view === null) continue;
      const queueIds = view.queueIds();
      const series = this.#series.get(tenantId);
      if (series !== undefined) {
        const kept = new Set(queueIds);
        for (const queueId of series.keys()) if (!kept.has(queueId)) series.delete(queueId);
      }
      for (const queueId of queueIds) {
        const status = view.queueStatus(queueId);
        if (status !== null) this.#fold(tenantId, status, nowMs);
      }
    }
    const nextMinuteMs = (Math.floor(nowMs / sampleMinuteMs) + 1) * sampleMinuteMs;
    this.#cancelTimer = this.#scheduler.setTimer(nextMinuteMs, () => {
      this.#takeAll();
    });
  }

  /** Folds a status into its minute's sample; drops samples older than the span. */
  #fold(tenantId: TenantId, status: QueueStatus, nowMs: number): void {
    let tenant = this.#series.get(tenantId);
    if (tenant === undefined) {
      tenant = new Map();
      this.#series.set(tenantId, tenant);
    }
    let series = tenant.get(status.queueId);
    if (series === undefined) {
      series = [];
      tenant.set(status.queueId, series);
    }
    const minuteMs = Math.floor(nowMs / sampleMinuteMs) * sampleMinuteMs;
    const last = series.at(-1);
    // A clock set back folds into the last sample rather than breaking their order.
    if (last !== undefined && last.atMs >= minuteMs) {
      last.waiting = status.waiting;
      last.waitingMax = Math.max(last.waitingMax, status.waiting);
      last.serviceLevel = status.serviceLevel;
    } else {
      series.push({
        atMs: minuteMs,
        waiting: status.waiting,
        waitingMax: status.waiting,
        serviceLevel: status.serviceLevel,
      });
    }
    // An hour of minutes at most; older ones go first (O(1) amortised: one a minute).
    while (
      series.length > samplesPerQueueMax ||
      (series[0]?.atMs ?? nowMs) <= nowMs - samplesSpanMs
    )
      series.shift();
  }
}
