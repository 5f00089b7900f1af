/*
 * A simulated day of routing, printed in a few lines (`npm start`).
 *
 * One engine, a virtual clock and a seeded generator: the same day every
 * run. Three queues (sales; support, where VIPs go first; callbacks booked on
 * a web form), ten agents with overlapping memberships, calls between 08:00
 * and 18:00 UTC with a morning and an afternoon peak. Agents answer offers
 * after a few seconds (now and then one misses an offer), talk for a
 * log-normal time and take lunch in turns; callers who lose patience hang
 * up, and some ask to be called back instead (R10).
 *
 * The demo plays the world around the engine: it turns the engine's events
 * into what people do next (an offer is answered, a call ends) and sends
 * that back as commands, moving the clock to whichever comes first: its own
 * next action or the engine's next deadline (a wrap-up ending, an offer
 * timing out). Hourly lines are tallied from the engine's events; the
 * summary is the engine's own statistics (queueReport, today).
 */
import {
  asAgentId,
  asContactId,
  asCustomerId,
  asQueueId,
  type AgentId,
  type Command,
  type ContactId,
  type Event,
  type QueueId,
} from '@lineup/protocol';
import { Engine } from '../src/index.ts';

const seed = 2025;
const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
/** Monday 6 January 2025, 00:00 UTC. */
const midnightMs = 1_736_121_600_000;
const openHour = 8;
const closeHour = 18;
/** Calls and web-form callbacks arriving in each hour from 08:00 on: a morning and an afternoon peak. */
const arrivalsPerHour = [45, 85, 105, 95, 65, 75, 95, 90, 70, 45];
/** Shares of arrivals; the rest book a callback on the web form. */
const salesShare = 0.4;
const supportShare = 0.5;
const vipShare = 0.1;
/** A call answered within this counts in the service level. */
const serviceLevelThresholdMs = 20_000;
/** Callers wait this long on average before they hang up. */
const patienceMsMean = 150_000;
/** Of those who run out of patience, this share asks for a callback instead (R10). */
const callbackShare = 0.3;
const missedOfferShare = 0.03;
const handleMsMedian: Record<string, number> = {
  sales: 150_000,
  support: 240_000,
  callbacks: 180_000,
};
/** Bounds the simulation: a day takes a few thousand steps. */
const stepsMax = 1_000_000;

/** A seeded generator (mulberry32). */
function generator(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = generator(seed);
const chance = (p: number): boolean => random() < p;
const between = (lowMs: number, highMs: number): number =>
  Math.round(lowMs + random() * (highMs - lowMs));
const exponential = (meanMs: number): number => Math.round(-meanMs * Math.log(1 - random()));
/** Log-normal around a median: most calls are near it, a few run long. */
function logNormal(medianMs: number, sigma: number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.round(medianMs * Math.exp(sigma * normal));
}

const sales = asQueueId('sales');
const support = asQueueId('support');
const callbacks = asQueueId('callbacks');
const queues = [
  { id: sales, name: 'Sales' },
  // Agents serving both take support first (R3).
  { id: support, name: 'Support', priority: 1 },
  // Web-form callbacks count as in service level when called within the hour.
  {
    id: callbacks,
    name: 'Callbacks',
    channels: ['callback' as const],
    priority: -1,
    serviceLevelThresholdMs: hourMs,
  },
];

/** Four agents in sales, four in support with sales as backup, two seniors on every queue. */
const agents: { id: AgentId; memberships: { queueId: QueueId; priority: number }[] }[] = [
  ...[1, 2, 3, 4].map((n) => ({
    id: asAgentId(`sales-${n}`),
    memberships: [
      { queueId: sales, priority: 2 },
      { queueId: callbacks, priority: 1 },
    ],
  })),
  ...[1, 2, 3, 4].map((n) => ({
    id: asAgentId(`support-${n}`),
    memberships: [
      { queueId: support, priority: 2 },
      { queueId: sales, priority: 0 },
    ],
  })),
  ...[1, 2].map((n) => ({
    id: asAgentId(`senior-${n}`),
    memberships: [
      { queueId: support, priority: 3 },
      { queueId: sales, priority: 1 },
      { queueId: callbacks, priority: 0 },
    ],
  })),
];

/** A command before the clock stamps it. */
type Unstamped = {
  [T in Command['type']]: Omit<Extract<Command, { type: T }>, 'atMs'>;
}[Command['type']];

interface Task {
  atMs: number;
  order: number;
  run: () => void;
}

/** What happened to calls and callbacks since the last line. */
interface Tally {
  offered: number;
  answered: number;
  answeredInThreshold: number;
  abandoned: number;
  abandonedAfterThreshold: number;
  waitMsAnswered: number;
  waitMsLongest: number;
  callbacksBooked: number;
  callbacksMade: number;
}
const emptyTally = (): Tally => ({
  offered: 0,
  answered: 0,
  answeredInThreshold: 0,
  abandoned: 0,
  abandonedAfterThreshold: 0,
  waitMsAnswered: 0,
  waitMsLongest: 0,
  callbacksBooked: 0,
  callbacksMade: 0,
});

/** The world around one engine: people's next actions, soonest first. */
class Day {
  readonly engine = new Engine({ seed });
  nowMs = midnightMs + openHour * hourMs - 10 * minuteMs;
  tally = emptyTally();
  callbacksAsked = 0;
  private readonly tasks: Task[] = [];
  private order = 0;
  private contactNumber = 0;

  /** Schedules something people do. */
  at(atMs: number, run: () => void): void {
    this.tasks.push({ atMs, order: this.order++, run });
  }

  /** Runs a command now; the one refusal the demo expects (an offer withdrawn meanwhile) is ignored. */
  send(command: Unstamped): void {
    const { events, rejection } = this.engine.execute({ ...command, atMs: this.nowMs });
    if (rejection !== null && rejection.code !== 'offer_expired')
      throw new Error(`demo: ${command.type} refused: ${rejection.message}`);
    for (const event of events) this.react(event);
  }

  /** Counts what the engine decided, and schedules what people do next. */
  private react(event: Event): void {
    const tally = this.tally;
    switch (event.type) {
      case 'contactQueued':
        if (event.contact.channel === 'voice') tally.offered += 1;
        else tally.callbacksBooked += 1;
        return;
      case 'contactConvertedToCallback':
        tally.callbacksBooked += 1;
        return;
      case 'contactAbandoned':
        tally.abandoned += 1;
        if (event.waitMs > serviceLevelThresholdMs) tally.abandonedAfterThreshold += 1;
        tally.waitMsLongest = Math.max(tally.waitMsLongest, event.waitMs);
        return;
      case 'offerCreated':
        // Now and then an agent misses an offer; the engine withdraws it after offerTimeoutMs (R6).
        if (chance(missedOfferShare)) return;
        this.at(this.nowMs + between(2_000, 6_000), () => {
          this.send({ type: 'acceptOffer', offerId: event.offerId, agentId: event.agentId });
        });
        return;
      case 'contactAssigned':
        this.assigned(event.contactId, event.agentId, event.queueId, event.waitMs);
        return;
      case 'agentStateChanged':
        // An agent set not ready after missed offers (R6) notices a minute later.
        if (event.cause === 'noAnswer') {
          this.at(this.nowMs + minuteMs, () => {
            this.send({ type: 'setPresence', agentId: event.agentId, presence: 'ready' });
          });
        }
        return;
      default:
        return;
    }
  }

  /** An agent took a call or a callback: it talks for a while, then ends it. */
  private assigned(contactId: ContactId, agentId: AgentId, queueId: QueueId, waitMs: number): void {
    const isCallback = this.engine.inspect().contacts.get(contactId)?.channel === 'callback';
    const tally = this.tally;
    if (isCallback) {
      tally.callbacksMade += 1;
    } else {
      tally.answered += 1;
      tally.waitMsAnswered += waitMs;
      if (waitMs <= serviceLevelThresholdMs) tally.answeredInThreshold += 1;
      tally.waitMsLongest = Math.max(tally.waitMsLongest, waitMs);
    }
    this.at(this.nowMs + logNormal(handleMsMedian[queueId] ?? 180_000, 0.5), () => {
      if (isCallback) {
        // No answer is tried again after the queue's retry delay (R10).
        const outcome = chance(0.8) ? 'reached' : 'noAnswer';
        this.send({ type: 'closeCallback', contactId, agentId, outcome });
      } else {
        this.send({ type: 'completeContact', contactId, agentId });
      }
    });
  }

  /** A customer calls, or books a callback on the web form. */
  arrive(): void {
    const n = this.contactNumber++;
    const id = asContactId(`c${n}`);
    const customer = {
      id: asCustomerId(`k${n}`),
      number: `+49 30 ${String(5_550_000 + n)}`,
      type: chance(vipShare) ? ('vip' as const) : ('normal' as const),
    };
    const pick = random();
    if (pick >= salesShare + supportShare) {
      // Some want the call later in the day.
      const later = chance(0.3) ? { notBeforeMs: this.nowMs + between(hourMs, 2 * hourMs) } : {};
      this.send({
        type: 'requestCallback',
        contact: { id, queueId: callbacks, customer, ...later },
      });
      return;
    }
    const queueId = pick < salesShare ? sales : support;
    this.send({ type: 'enqueueContact', contact: { id, queueId, channel: 'voice', customer } });
    this.at(this.nowMs + exponential(patienceMsMean), () => {
      this.losePatience(id, customer.number);
    });
  }

  /** A caller still waiting hangs up, or asks to be called back (R10). */
  private losePatience(id: ContactId, number: string): void {
    const contact = this.engine.inspect().contacts.get(id);
    if (contact === undefined || (contact.status !== 'queued' && contact.status !== 'offered'))
      return;
    if (chance(callbackShare)) {
      this.callbacksAsked += 1;
      this.send({ type: 'convertToCallback', contactId: id, number });
    } else {
      this.send({ type: 'abandonContact', contactId: id });
    }
  }

  /** Runs every task and engine deadline up to `untilMs`, in time order. */
  runUntil(untilMs: number): void {
    for (let step = 0; step < stepsMax; step++) {
      const index = this.nextTaskIndex();
      const taskMs = this.tasks[index]?.atMs ?? Number.POSITIVE_INFINITY;
      const nextMs = Math.min(taskMs, this.engine.nextDeadline() ?? Number.POSITIVE_INFINITY);
      if (nextMs > untilMs) {
        this.nowMs = Math.max(this.nowMs, untilMs);
        return;
      }
      this.nowMs = Math.max(this.nowMs, nextMs);
      const [task] = taskMs === nextMs ? this.tasks.splice(index, 1) : [];
      if (task === undefined) this.send({ type: 'tick' });
      else task.run();
    }
    throw new Error(`demo: more than ${stepsMax} steps`);
  }

  /** Whether anything is left to do: a task, or a contact not yet ended. */
  hasWork(): boolean {
    return this.tasks.length > 0 || this.engine.inspect().contacts.size > 0;
  }

  /** The soonest task's index, or -1; a day holds a few hundred tasks at once, so a scan will do. */
  private nextTaskIndex(): number {
    let best = -1;
    for (let index = 0; index < this.tasks.length; index++) {
      const task = this.tasks[index] as Task;
      const current = this.tasks[best];
      if (
        current === undefined ||
        task.atMs < current.atMs ||
        (task.atMs === current.atMs && task.order < current.order)
      )
        best = index;
    }
    return best;
  }
}

// --- Printing -----------------------------------------------------------------------------------

const clock = (atMs: number): string => {
  const minutes = Math.floor((atMs - midnightMs) / minuteMs);
  const hours = Math.floor(minutes / 60);
  return `${String(hours).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};
const duration = (ms: number | null): string => {
  if (ms === null) return '–';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};
const percent = (ratio: number | null): string =>
  ratio === null ? '–' : `${Math.round(ratio * 100)}%`;
/** A table row: the first cell left-aligned, the others right-aligned. */
const row = (cells: (string | number)[], widths: number[]): string =>
  cells
    .map((cell, i) =>
      i === 0 ? String(cell).padEnd(widths[0] ?? 8) : String(cell).padStart(widths[i] ?? 8),
    )
    .join('')
    .trimEnd();

const hourWidths = [13, 8, 9, 10, 7, 7, 9, 11, 7];
/** One line for the period since the last one, from the events tallied meanwhile. */
function hourLine(day: Day, label: string): string {
  const t = day.tally;
  day.tally = emptyTally();
  const reached = t.answered + t.abandonedAfterThreshold;
  return row(
    [
      label,
      t.offered,
      t.answered,
      t.abandoned,
      percent(reached > 0 ? t.answeredInThreshold / reached : null),
      duration(t.answered > 0 ? t.waitMsAnswered / t.answered : null),
      duration(t.answered + t.abandoned > 0 ? t.waitMsLongest : null),
      t.callbacksBooked,
      t.callbacksMade,
    ],
    hourWidths,
  );
}

const queueWidths = [13, 8, 9, 10, 7, 7, 7, 11];
function queueLine(day: Day, queueId: QueueId): string {
  const today = day.engine.queueReport(queueId)?.today;
  if (today === undefined) return `${queueId}: no report`;
  return row(
    [
      queueId,
      today.offered,
      today.answered,
      today.abandoned,
      percent(today.serviceLevel),
      duration(today.asaMs),
      duration(today.ahtMs),
      percent(today.occupancy),
    ],
    queueWidths,
  );
}

// --- The day ------------------------------------------------------------------------------------

const startedAtMs = performance.now();
const day = new Day();
for (const queue of queues) {
  day.send({ type: 'createQueue', queue: { serviceLevelThresholdMs, wrapUpMs: 15_000, ...queue } });
}
for (const [index, agent] of agents.entries()) {
  day.send({ type: 'createAgent', agent: { ...agent, name: agent.id } });
  day.send({ type: 'logIn', agentId: agent.id });
  // Lunch in four waves of half an hour from 11:30, so that every queue keeps most of its agents.
  const lunchMs = midnightMs + 11.5 * hourMs + (index % 4) * 30 * minuteMs;
  const agentId = agent.id;
  day.at(lunchMs, () => {
    day.send({ type: 'setPresence', agentId, presence: 'notReady', reason: 'lunch' });
  });
  day.at(lunchMs + 30 * minuteMs, () => {
    day.send({ type: 'setPresence', agentId, presence: 'ready' });
  });
}
// Poisson arrivals: exponential gaps at each hour's rate.
for (let hour = 0; hour < arrivalsPerHour.length; hour++) {
  const startMs = midnightMs + (openHour + hour) * hourMs;
  const gapMsMean = hourMs / (arrivalsPerHour[hour] ?? 1);
  for (let atMs = startMs + exponential(gapMsMean); atMs < startMs + hourMs;) {
    day.at(atMs, () => {
      day.arrive();
    });
    atMs += exponential(gapMsMean);
  }
}

const lines = [
  `Lineup: a simulated day of routing, Monday 6 January 2025, UTC (seed ${seed})`,
  `${agents.length} agents: 4 in sales, 4 in support (sales as backup), 2 seniors on every queue.`,
  'Queues: sales; support (VIPs first, taken before sales); callbacks booked on a web form.',
  '',
  row(['', 'calls', '', '', '', '', '', 'callbacks', ''], hourWidths),
  row(
    ['hour', 'offered', 'answered', 'abandoned', 'in SL', 'ASA', 'longest', 'booked', 'made'],
    hourWidths,
  ),
];
for (let hour = openHour; hour < closeHour; hour++) {
  const endMs = midnightMs + (hour + 1) * hourMs;
  day.runUntil(endMs);
  lines.push(hourLine(day, `${clock(endMs - hourMs)}–${clock(endMs)}`));
}
// After closing nobody new joins; the agents serve whoever still waits, then log out.
while (day.hasWork()) day.runUntil(day.nowMs + minuteMs);
lines.push(hourLine(day, `${clock(midnightMs + closeHour * hourMs)}–${clock(day.nowMs)}`));
for (const agent of agents) day.send({ type: 'logOut', agentId: agent.id });

lines.push(
  '',
  row(
    ['today', 'offered', 'answered', 'abandoned', 'in SL', 'ASA', 'AHT', 'occupancy'],
    queueWidths,
  ),
  ...queues.map((queue) => queueLine(day, queue.id)),
  '',
  `SL: answered within ${serviceLevelThresholdMs / 1000} s (callbacks: 1 h). ` +
    `${day.callbacksAsked} callers asked for a callback instead of hanging up.`,
  `${day.engine.eventCount()} events, computed in ${Math.round(performance.now() - startedAtMs)} ms.`,
);
process.stdout.write(`${lines.join('\n')}\n`);
