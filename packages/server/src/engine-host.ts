import { Engine, type EngineOptions } from '@lineup/engine';
import { type Entry, type Journal, type SaveSnapshotResult } from '@lineup/journal';
import { rejection, type Event, type Rejection, type TenantId } from '@lineup/protocol';
import { SystemScheduler, systemClock, type Clock, type TimerScheduler } from './clock.ts';
import { recoverEngine } from './engine-recovery.ts';
import { isSnapshotDue, type SnapshotSchedule } from './snapshot-schedule.ts';
import {
  tenantNotFound,
  type CommandInput,
  type EventListener,
  type Host,
  type Outcome,
  type SubmitOptions,
  type TenantView,
} from './host.ts';
import { tenantViewOf } from './tenant-view.ts';
import { RecentMap } from './recent-map.ts';

/*
 * The host of every tenant's engine, writing each command's events to a
 * journal before the command is acknowledged (DESIGN.md §3, ADR 0005).
 *
 * Per tenant, commands run one at a time in arrival order on a promise chain,
 * each stamped with the clock's time when its turn comes, so the engine sees
 * time move forward. After each command the tenant's one timer is re-armed at
 * the engine's next deadline; when it fires, a tick joins the same chain.
 *
 * The engine does not wait for the disk: a command's events are handed to the
 * journal at once, in order, and the next command may run while they commit,
 * so commands arriving together share one transaction (group commit). The
 * caller's answer and the listeners wait for the commit; appends of a tenant
 * commit in order, so they hear events in order. A failed append leaves the
 * engine ahead of the disk: the host stops and must be restarted from the
 * journal (J9).
 *
 * A command with an id (a client's idempotency key) runs at most once per
 * tenant: before it joins the chain the host looks the id up (recent ids in
 * memory, else the journal, J4) and, when found, replays instead of running;
 * while it is in flight — looked up, queued, run, not yet durable — a
 * duplicate waits for it and then looks again. Only a success journals its
 * id, so a refused command's retry runs again.
 */

/** Tenants one host holds, by default. */
export const tenantsMaxDefault = 1_000;
/** Commands of one tenant waiting for their turn, by default; past it, submit is refused. */
export const pendingCommandsMaxDefault = 10_000;
/** Event listeners of one tenant: the socket layer limits its sockets well below this. */
export const listenersPerTenantMax = 100_000;

/**
 * Journaled commands with an id remembered in memory, over all tenants, most
 * recently used kept: a retry of one of them is answered without a journal
 * read. Each holds its entry's events (a few hundred bytes to a few KB), so
 * about 10–50 MB at most. An id not found here costs one indexed journal read.
 */
export const recentCommandsMax = 10_000;

/**
 * Entries between two snapshots of a tenant's engine, by default. A snapshot
 * of a large center pauses the event loop (100 ms for 100,000 waiting
 * contacts and 2,500 agents), so under load it should come rarely; a crash
 * restart replays at most this many entries after it (about half a second).
 */
export const snapshotEveryEntriesDefault = 100_000;
/** Time between two snapshots of a tenant whose journal grew, by default: five minutes. */
export const snapshotEveryMsDefault = 300_000;

/** How a host is set up. */
export interface EngineHostOptions {
  /** Where events go before a command is acknowledged. */
  journal: Journal;
  /** Entries between two snapshots of a tenant; default snapshotEveryEntriesDefault. */
  snapshotEveryEntries?: number;
  /** Time between two snapshots of a tenant that has new entries; default snapshotEveryMsDefault. */
  snapshotEveryMs?: number;
  /** Stamps commands; default the wall clock. */
  clock?: Clock;
  /** Wakes engines at their deadlines; default setTimeout on the clock. */
  scheduler?: TimerScheduler;
  /** Options of every tenant's engine. */
  engine?: EngineOptions;
  tenantsMax?: number;
  pendingCommandsMax?: number;
  /**
   * Told of a failure that no caller can be told of: a tick that threw (an
   * engine invariant broke) or a listener that threw. By default it is
   * rethrown outside the command, as an uncaught exception: a broken
   * invariant crashes the process (STYLE.md, Errors), after the command's
   * other listeners have heard it.
   */
  onError?: (
    error: unknown,
    context: { tenantId: TenantId; during: 'tick' | 'listener' | 'journal' },
  ) => void;
}

interface Tenant {
  readonly id: TenantId;
  readonly engine: Engine;
  readonly view: TenantView;
  readonly listeners: Set<EventListener>;
  /** Settles when the last command queued so far has run. */
  tail: Promise<void>;
  /** Commands queued and not yet run. */
  pending: number;
  /** The armed timer: its time and how to cancel it. */
  timer: { atMs: number; cancel: () => void } | null;
  /** Seq of the last entry handed to the journal. */
  lastSeq: number;
  /** Seq of the last snapshot taken. */
  snapshotSeq: number;
  /** When the last snapshot was taken (or the tenant opened), by the host's clock. */
  snapshotAtMs: number;
  /** Settles when the last entry handed to the journal is durable. */
  durable: Promise<void>;
  /**
   * Command ids being looked up, run or made durable, each with a promise
   * that settles when that is over; at most one per id, so duplicates wait.
   */
  readonly inFlight: Map<string, Promise<void>>;
}

/** Throws the error on its own stack, where nothing catches it. */
const rethrowUncaught = (error: unknown): void => {
  queueMicrotask(() => {
    throw error;
  });
};

/** Every tenant's engine, with its journal. */
export class EngineHost implements Host {
  private readonly tenants = new Map<TenantId, Tenant>();
  private readonly clock: Clock;
  private readonly scheduler: TimerScheduler;
  private readonly engineOptions: EngineOptions;
  private readonly tenantsMax: number;
  private readonly pendingCommandsMax: number;
  private readonly onError: NonNullable<EngineHostOptions['onError']>;
  private readonly journal: Journal;
  private readonly schedule: SnapshotSchedule;
  private isClosed = false;
  /** Set while another thread takes the snapshots (handSnapshotsOver). */
  private isSnapshotElsewhere = false;
  /** Journaled commands with an id, by tenant and id: the most recently used ones. */
  private readonly recentCommands = new RecentMap<string, Entry>(recentCommandsMax);
  /** Set when an append failed: the engines are ahead of the disk. */
  private isFailed = false;

  /**
   * A host over a journal with no tenants yet; use EngineHost.open to resume
   * from a journal that has some.
   */
  constructor(options: EngineHostOptions) {
    this.journal = options.journal;
    this.schedule = {
      snapshotEveryEntries: options.snapshotEveryEntries ?? snapshotEveryEntriesDefault,
      snapshotEveryMs: options.snapshotEveryMs ?? snapshotEveryMsDefault,
    };
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? new SystemScheduler(this.clock);
    this.engineOptions = options.engine ?? {};
    this.tenantsMax = options.tenantsMax ?? tenantsMaxDefault;
    this.pendingCommandsMax = options.pendingCommandsMax ?? pendingCommandsMaxDefault;
    this.onError = options.onError ?? rethrowUncaught;
  }

  hasTenant(tenantId: TenantId): boolean {
    return this.tenants.has(tenantId);
  }

  tenantIds(): TenantId[] {
    return [...this.tenants.keys()];
  }

  isReady(): boolean {
    return !this.isClosed && !this.isFailed;
  }

  /**
   * A host resumed from its journal: each tenant's engine is its latest
   * snapshot plus the events after it, folded through evolve.
   */
  static async open(options: EngineHostOptions): Promise<EngineHost> {
    const host = new EngineHost(options);
    for (const tenantId of await options.journal.tenants()) await host.recover(tenantId);
    return host;
  }

  /** Number of tenants. */
  tenantCount(): number {
    return this.tenants.size;
  }

  private async recover(tenantId: TenantId): Promise<void> {
    const { engine, lastSeq, snapshotSeq } = await recoverEngine(
      this.journal,
      tenantId,
      this.engineOptions,
    );
    const tenant = this.addTenant(tenantId, engine);
    tenant.lastSeq = lastSeq;
    tenant.snapshotSeq = snapshotSeq;
    this.arm(tenant);
  }

  private addTenant(tenantId: TenantId, engine: Engine): Tenant {
    const tenant: Tenant = {
      id: tenantId,
      engine,
      view: tenantViewOf(engine, this.clock),
      listeners: new Set(),
      tail: Promise.resolve(),
      pending: 0,
      timer: null,
      lastSeq: 0,
      snapshotSeq: 0,
      snapshotAtMs: this.clock.nowMs(),
      durable: Promise.resolve(),
      inFlight: new Map(),
    };
    this.tenants.set(tenantId, tenant);
    return tenant;
  }

  async createTenant(tenantId: TenantId): Promise<Rejection | null> {
    if (this.isClosed || this.isFailed) return unavailable();
    if (this.tenants.has(tenantId)) {
      return rejection('tenant_exists', `Tenant ${tenantId} exists already; pick another id.`, {
        tenantId,
      });
    }
    if (this.tenants.size >= this.tenantsMax) {
      return rejection('limit_reached', `At most ${this.tenantsMax} tenants are allowed.`, {
        limit: 'tenants',
        max: this.tenantsMax,
      });
    }
    const tenant = this.addTenant(tenantId, new Engine(this.engineOptions));
    // An entry with no events makes the tenant durable: it is found again on restart.
    await this.persist(tenant, this.clock.nowMs(), []);
    return null;
  }

  submit<T = null>(
    tenantId: TenantId,
    command: CommandInput,
    read?: (view: TenantView, events: readonly Event[]) => T,
    options: SubmitOptions = {},
  ): Promise<Outcome<T>> {
    const tenant = this.tenants.get(tenantId);
    if (tenant === undefined) return Promise.resolve(refused(tenantNotFound(tenantId)));
    if (this.isClosed || this.isFailed) return Promise.resolve(refused(unavailable()));
    if (options.commandId === undefined) return this.submitNow(tenant, command, read, undefined);
    return this.submitOnce(tenant, command, read, options.commandId);
  }

  /**
   * Runs a command with an id unless the id is journaled already. The lookup
   * is done before the command joins the chain, so the chain never waits for
   * a read; holding the id in flight from before the lookup until the entry
   * is durable keeps a duplicate from running in between.
   */
  private async submitOnce<T>(
    tenant: Tenant,
    command: CommandInput,
    read: ((view: TenantView, events: readonly Event[]) => T) | undefined,
    commandId: string,
  ): Promise<Outcome<T>> {
    // A duplicate waits for the first to settle, then looks again: the first may have been refused.
    for (let first = tenant.inFlight.get(commandId); first !== undefined;) {
      await first;
      first = tenant.inFlight.get(commandId);
    }
    let settle = (): void => undefined;
    tenant.inFlight.set(
      commandId,
      new Promise<void>((resolve) => {
        settle = resolve;
      }),
    );
    try {
      const entry = await this.entryOf(tenant, commandId);
      if (entry !== undefined) return await this.replay(tenant, entry, read);
      return await this.submitNow(tenant, command, read, commandId);
    } finally {
      tenant.inFlight.delete(commandId);
      settle();
    }
  }

  private submitNow<T>(
    tenant: Tenant,
    command: CommandInput,
    read: ((view: TenantView, events: readonly Event[]) => T) | undefined,
    commandId: string | undefined,
  ): Promise<Outcome<T>> {
    if (this.isClosed || this.isFailed) return Promise.resolve(refused(unavailable()));
    if (tenant.pending >= this.pendingCommandsMax) {
      return Promise.resolve(
        refused(
          rejection(
            'rate_limited',
            `Tenant ${tenant.id} has ${tenant.pending} commands waiting; retry in a moment.`,
            { limit: 'pendingCommands', max: this.pendingCommandsMax },
          ),
        ),
      );
    }
    // The work returns its durable outcome wrapped, not as a promise: the chain moves on
    // to the next command at once, so that commands arriving together commit together.
    return this.enqueue(tenant, () => {
      // The id was looked up before queueing and has been held in flight since: nobody ran it.
      if (commandId !== undefined && this.recentCommands.has(recentKey(tenant.id, commandId)))
        throw new Error(`command ${commandId} of ${tenant.id} ran while held in flight`);
      const { outcome, durable } = this.execute(tenant, command, this.clock.nowMs(), commandId);
      const after =
        outcome.rejection === null && read !== undefined ? read(tenant.view, outcome.events) : null;
      return { outcome: durable.then(() => ({ ...outcome, after })) };
    }).then((work) => work.outcome);
  }

  /** The journaled entry of a command id: from memory when recent, else from the journal. */
  private async entryOf(tenant: Tenant, commandId: string): Promise<Entry | undefined> {
    const key = recentKey(tenant.id, commandId);
    const recent = this.recentCommands.get(key);
    if (recent !== undefined) return recent;
    const entry = await this.journal.entryByCommandId(tenant.id, commandId);
    if (entry !== undefined) this.recentCommands.set(key, entry);
    return entry;
  }

  /**
   * The outcome of a command that ran already: its entry's events and what
   * `read` shows now, taken in command order and answered once what it shows
   * is durable.
   */
  private replay<T>(
    tenant: Tenant,
    entry: Entry,
    read: ((view: TenantView, events: readonly Event[]) => T) | undefined,
  ): Promise<Outcome<T>> {
    return this.enqueue(tenant, () => {
      const after = read === undefined ? null : read(tenant.view, entry.events);
      return { outcome: tenant.durable.then(() => after) };
    }).then(async (work) => ({
      events: entry.events,
      rejection: null,
      after: await work.outcome,
      isReplayed: true,
    }));
  }

  view(tenantId: TenantId): TenantView | null {
    return this.tenants.get(tenantId)?.view ?? null;
  }

  lastSeq(tenantId: TenantId): number | null {
    return this.tenants.get(tenantId)?.lastSeq ?? null;
  }

  subscribe(tenantId: TenantId, listener: EventListener): () => void {
    const tenant = this.tenants.get(tenantId);
    if (tenant === undefined) throw new RangeError(`No tenant has id ${tenantId}`);
    if (tenant.listeners.size >= listenersPerTenantMax)
      throw new RangeError(`Tenant ${tenantId} has ${listenersPerTenantMax} listeners already`);
    // A wrapper per subscription, so the same function subscribed twice is unsubscribed once.
    const entry: EventListener = (events, seq) => {
      listener(events, seq);
    };
    tenant.listeners.add(entry);
    return () => {
      tenant.listeners.delete(entry);
    };
  }

  /** Resolves once every command submitted so far, timer ticks included, has run and is durable. */
  async drain(): Promise<void> {
    for (;;) {
      const tails = [...this.tenants.values()].map((tenant) => tenant.tail);
      await Promise.all(tails);
      await Promise.all([...this.tenants.values()].map((tenant) => tenant.durable));
      // A command that ran may have queued another (a tick armed at once): wait for it too.
      if ([...this.tenants.values()].every((tenant, index) => tenant.tail === tails[index])) return;
    }
  }

  /**
   * Stops taking commands, cancels the timers, waits for the commands under
   * way, snapshots every tenant whose journal grew since its last snapshot,
   * and closes the journal.
   */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const tenant of this.tenants.values()) {
      tenant.timer?.cancel();
      tenant.timer = null;
    }
    await this.drain();
    if (!this.isFailed) {
      for (const tenant of this.tenants.values()) {
        if (tenant.lastSeq > tenant.snapshotSeq) await this.snapshot(tenant);
      }
    }
    await this.journal.close();
  }

  /** Runs `work` after every command queued before it; a failure rejects only its own promise. */
  private enqueue<R>(tenant: Tenant, work: () => R): Promise<R> {
    tenant.pending++;
    const result = tenant.tail.then(() => {
      tenant.pending--;
      return work();
    });
    tenant.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * Runs one command on the engine now, hands its events to the journal and
   * re-arms the timer; the listeners hear the events once they are durable.
   */
  private execute(
    tenant: Tenant,
    command: CommandInput | { type: 'tick' },
    atMs = this.clock.nowMs(),
    commandId?: string,
  ): { outcome: Omit<Outcome, 'after'>; durable: Promise<void> } {
    const decision = tenant.engine.execute({ ...command, atMs });
    // Only a success journals its id, even with no events, so that its retry is found;
    // a refusal's id stays free (its entry, if timers fired, carries none).
    const journaledId = decision.rejection === null ? commandId : undefined;
    let durable = tenant.durable;
    if (decision.events.length > 0 || journaledId !== undefined) {
      const persisted = this.persist(tenant, atMs, decision.events, journaledId);
      const seq = tenant.lastSeq;
      durable = persisted.then(() => {
        this.notify(tenant, decision.events, seq);
      });
    }
    this.arm(tenant);
    return { outcome: decision, durable };
  }

  private notify(tenant: Tenant, events: readonly Event[], seq: number): void {
    for (const listener of tenant.listeners) {
      try {
        listener(events, seq);
      } catch (error: unknown) {
        this.onError(error, { tenantId: tenant.id, during: 'listener' });
      }
    }
  }

  /**
   * Hands one entry to the journal, in command order, and resolves when it is
   * durable. Every snapshotEveryEntries entries, or at the first entry
   * snapshotEveryMs after the last snapshot, it also snapshots the engine, at
   * once, while the engine's state is exactly the state after this entry.
   */
  private persist(
    tenant: Tenant,
    atMs: number,
    events: readonly Event[],
    commandId?: string,
  ): Promise<void> {
    tenant.lastSeq += 1;
    const seq = tenant.lastSeq;
    const input = commandId === undefined ? { atMs, events } : { atMs, events, commandId };
    const appended = this.journal.append(tenant.id, [input]).then((result) => {
      if (!result.ok)
        throw new Error(`journal refused entry ${seq} of ${tenant.id}: ${result.refusal.message}`);
      if (result.seqs[0] !== seq)
        throw new Error(`journal gave seq ${String(result.seqs[0])} for ${seq} of ${tenant.id}`);
      if (commandId !== undefined) {
        this.recentCommands.set(recentKey(tenant.id, commandId), {
          seq,
          atMs,
          commandId,
          events: [...events],
        });
      }
    });
    if (
      !this.isSnapshotElsewhere &&
      isSnapshotDue(this.schedule, seq, atMs, tenant.snapshotSeq, tenant.snapshotAtMs)
    ) {
      this.snapshot(tenant).catch((error: unknown) => {
        this.onError(error, { tenantId: tenant.id, during: 'journal' });
      });
    }
    const durable = appended.catch((error: unknown) => {
      // The engine is ahead of the disk: take no more work (ADR 0005, J9).
      this.isFailed = true;
      this.onError(error, { tenantId: tenant.id, during: 'journal' });
      throw error;
    });
    tenant.durable = durable.catch(() => undefined);
    return durable;
  }

  /** When each tenant is snapshotted: every so many entries, or at the first entry after so long. */
  snapshotSchedule(): SnapshotSchedule {
    return this.schedule;
  }

  /**
   * Another thread takes the snapshots from now on, on the same schedule
   * (SnapshotThread), and hands them to saveSnapshotJson: the host stops
   * serializing its engines on its own thread. A close still snapshots
   * every tenant here.
   */
  handSnapshotsOver(): void {
    this.isSnapshotElsewhere = true;
  }

  /** The host takes its snapshots again, on its schedule (the other thread is gone). */
  takeSnapshotsBack(): void {
    this.isSnapshotElsewhere = false;
  }

  /** Whether another thread takes the snapshots now (handSnapshotsOver). */
  snapshotsTakenElsewhere(): boolean {
    return this.isSnapshotElsewhere;
  }

  /**
   * Writes a snapshot of a tenant's state as of entry `seq` that another
   * thread made from the committed entries; one older than the tenant's
   * latest is dropped.
   */
  async saveSnapshotJson(tenantId: TenantId, seq: number, snapshotJson: string): Promise<void> {
    const tenant = this.tenants.get(tenantId);
    if (tenant === undefined || this.isClosed || this.isFailed || seq <= tenant.snapshotSeq) return;
    await this.saveSnapshot(tenant, seq, () =>
      this.journal.saveSnapshotJson(tenantId, seq, snapshotJson),
    );
  }

  /** Saves the engine's state as of the tenant's last entry. */
  private async snapshot(tenant: Tenant): Promise<void> {
    // The journal serializes the snapshot during the call (J6): the engine's records need no copy.
    await this.saveSnapshot(tenant, tenant.lastSeq, (seq) =>
      this.journal.saveSnapshot(tenant.id, seq, tenant.engine.sharedSnapshot()),
    );
  }

  /** Marks the tenant snapshotted at seq, has `save` write it, and reports a refusal. */
  private async saveSnapshot(
    tenant: Tenant,
    seq: number,
    save: (seq: number) => Promise<SaveSnapshotResult>,
  ): Promise<void> {
    tenant.snapshotSeq = seq;
    tenant.snapshotAtMs = this.clock.nowMs();
    const result = await save(seq);
    if (!result.ok) {
      this.onError(
        new Error(`snapshot of ${tenant.id} at ${seq} refused: ${result.refusal.message}`),
        { tenantId: tenant.id, during: 'journal' },
      );
    }
  }

  /** Arms the tenant's timer at the engine's next deadline, unless it is armed there already. */
  private arm(tenant: Tenant): void {
    const deadline = tenant.engine.nextDeadline();
    if (tenant.timer?.atMs === deadline) return;
    tenant.timer?.cancel();
    tenant.timer = null;
    if (deadline === null || this.isClosed) return;
    const cancel = this.scheduler.setTimer(deadline, () => {
      if (tenant.timer?.atMs !== deadline) return;
      tenant.timer = null;
      this.enqueue(tenant, () => {
        // A timer may fire a little before its time by the clock; the engine must still fire it.
        // A failed append is reported by persist; nobody else waits for a tick.
        this.execute(
          tenant,
          { type: 'tick' },
          Math.max(this.clock.nowMs(), deadline),
        ).durable.catch(() => undefined);
      }).catch((error: unknown) => {
        this.onError(error, { tenantId: tenant.id, during: 'tick' });
      });
    });
    tenant.timer = { atMs: deadline, cancel };
  }
}

/** The key of a tenant's command id among the recent commands: a newline is in no id. */
const recentKey = (tenantId: TenantId, commandId: string): string => `${tenantId}\n${commandId}`;

function refused<T>(refusal: Rejection): Outcome<T> {
  return { events: [], rejection: refusal, after: null };
}

function unavailable(): Rejection {
  return rejection('unavailable', 'The host is stopping; retry against the new process.');
}
