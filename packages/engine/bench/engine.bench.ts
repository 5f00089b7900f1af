/*
 * Routing throughput of the engine (DESIGN.md §4).
 *
 * Budget: ≥ 200,000 routing cycles/s on one core with 10,000 agents, 1,000
 * queues and 100,000 waiting contacts; the cost of one routing decision grows
 * no faster than log n in waiting contacts (from 1,000 to 100,000 waiting,
 * log n grows by 5/3, so nsPerDecision should grow by well under 2×).
 *
 * Setup, per size n of waiting contacts (an engine each):
 * - 1,000 voice queues of equal priority (so that an agent looks at every
 *   queue it serves: the worst case of R3), wrap-up 0, room for every contact.
 * - 10,000 agents, each serving 1–10 queues at priority 1–3, drawn from a
 *   seeded generator; agent i always serves queue i mod 1,000, so that no
 *   queue is left without agents.
 * - Every agent logs in and takes one contact (all agents busy), then n
 *   contacts join random queues and wait.
 *
 * One routing cycle (what is counted):
 *   enqueueContact (a new contact joins a random queue) →
 *   completeContact (a busy agent, in turn, ends its contact; the engine at
 *   once offers it the best contact waiting in its queues) → acceptOffer.
 * The number waiting stays near n: one joins and one leaves per cycle. When
 * an agent's queues happen to be empty it stays free, and the next contact
 * joining one of its queues is offered to it at enqueue and accepted there.
 *
 * Measuring: every size is built and warmed up first, each next to its
 * floor (floor.ts, the same cycle written as barely as JavaScript allows);
 * then windows of a few tens of milliseconds of each size's engine and
 * floor take turns. Every figure was thus timed on the machine as it was at
 * the same moments, whose speed here swings several times over from one
 * minute to the next: `shareOfFloor` (engine ÷ floor) moves with the code,
 * and the sizes' decision costs can be compared with one another.
 *
 * A virtual clock moves a few ms forward per command, never backwards.
 * Loops are bounded by count and by wall time.
 *
 * Run: npm run bench -w packages/engine, or for one JSON object on stdout
 * (progress on stderr): npm run -s bench -w packages/engine -- --json
 * (-s keeps npm's "> @lineup/engine bench" banner off stdout). The script
 * runs `tsx --expose-gc`, so that the heap is measured after a full GC.
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
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { Engine } from '../src/index.ts';
import { FloorCentre } from './floor.ts';
import { seededRandom } from './seeded.ts';

const queueCount = 1_000;
const agentCount = 10_000;
const membershipsPerAgentMax = 10;
const sizes = [1_000, 10_000, 100_000] as const;
/** Virtual time per command. */
const stepMs = 3;
/** Monday 2025-01-06 08:00 UTC: any fixed epoch works; this one reads well in events. */
const startMs = 1_736_150_400_000;

/** Cycles run before measuring, so that V8 has optimised the hot paths. */
const warmUpCyclesMax = 30_000;
const warmUpMsMax = 1_000;
/** Cycles measured per size, at most, and wall time spent measuring, at most, per size. */
const cyclesMax = 1_000_000;
const measureMsMax = 3_000;

const budgetCyclesPerSecond = 200_000;

const isJson = process.argv.includes('--json');
const progress = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

const nowNs = (): bigint => process.hrtime.bigint();
const elapsedMs = (fromNs: bigint): number => Number(nowNs() - fromNs) / 1e6;

/**
 * The bench's side of the engine: it runs commands at a virtual time,
 * accepts every offer at once, and remembers which contact each agent holds.
 */
class Centre {
  readonly engine = new Engine({ seed: 7 });
  readonly queueIds: QueueId[] = [];
  readonly agentIds: AgentId[] = [];
  /** For each agent, the indexes of the queues it serves: the floor's centre is built the same. */
  readonly memberships: number[][] = [];
  /** The contact each busy agent holds. */
  readonly held = new Map<AgentId, ContactId>();
  private clockMs = startMs;
  private contactNumber = 0;
  private nextAgentIndex = 0;
  private readonly random = seededRandom(20_250_106);

  /** Runs a command at the next virtual time; a refusal is a bug in the bench or the engine. */
  run(command: Command): Event[] {
    const { events, rejection } = this.engine.execute(command);
    if (rejection !== null)
      throw new Error(`bench: ${command.type} refused: ${rejection.code} ${rejection.message}`);
    return events;
  }

  /** The time of the next command. */
  tick(): number {
    this.clockMs += stepMs;
    return this.clockMs;
  }

  build(): void {
    this.run({ type: 'tick', atMs: this.tick() });
    for (let q = 0; q < queueCount; q++) {
      const id = asQueueId(`q${q}`);
      this.queueIds.push(id);
      this.run({
        type: 'createQueue',
        atMs: this.tick(),
        queue: { id, name: `Queue ${q}`, channels: ['voice'], wrapUpMs: 0, maxSize: 500_000 },
      });
    }
    for (let a = 0; a < agentCount; a++) {
      const id = asAgentId(`a${a}`);
      this.agentIds.push(id);
      const queues = new Set([a % queueCount]);
      const wanted = 1 + Math.floor(this.random() * membershipsPerAgentMax);
      while (queues.size < wanted) queues.add(Math.floor(this.random() * queueCount));
      this.memberships.push([...queues]);
      const memberships = [...queues].map((q) => ({
        queueId: this.queueIds[q] as QueueId,
        priority: 1 + Math.floor(this.random() * 3),
      }));
      this.run({
        type: 'createAgent',
        atMs: this.tick(),
        agent: { id, name: `Agent ${a}`, memberships },
      });
      this.run({ type: 'logIn', atMs: this.tick(), agentId: id });
    }
    // Every agent takes one contact: a contact joining a queue of a free agent is offered at
    // once, to it or to another free member, so each agent needs at most one per member.
    for (let a = 0; a < agentCount; a++) {
      const id = this.agentIds[a] as AgentId;
      for (let tries = 0; !this.held.has(id); tries++) {
        if (tries >= agentCount) throw new Error(`bench: ${id} never got a contact`);
        this.enqueue(asQueueId(`q${a % queueCount}`));
      }
    }
  }

  /** Adds contacts to random queues until `count` wait; with every agent busy, each one waits. */
  fill(count: number): void {
    const missing = count - this.waiting();
    for (let i = 0; i < missing; i++) this.enqueue(this.randomQueue());
    const waiting = this.waiting();
    if (waiting !== count) throw new Error(`bench: ${waiting} waiting after filling to ${count}`);
  }

  randomQueue(): QueueId {
    return this.queueIds[Math.floor(this.random() * queueCount)] as QueueId;
  }

  /** A new contact joins a queue; an offer it gets is accepted. */
  enqueue(queueId: QueueId): void {
    const n = this.contactNumber++;
    const events = this.run({
      type: 'enqueueContact',
      atMs: this.tick(),
      contact: {
        id: asContactId(`c${n}`),
        queueId,
        channel: 'voice',
        // One contact in twenty is a VIP, so that lines are not pure FIFO (R2).
        customer: { id: asCustomerId(`k${n}`), type: n % 20 === 0 ? 'vip' : 'normal' },
      },
    });
    this.acceptOffers(events);
  }

  /** The next busy agent, in turn. */
  nextBusyAgent(): AgentId {
    for (let tries = 0; tries < agentCount; tries++) {
      const id = this.agentIds[this.nextAgentIndex] as AgentId;
      this.nextAgentIndex = (this.nextAgentIndex + 1) % agentCount;
      if (this.held.has(id)) return id;
    }
    throw new Error('bench: no agent is busy');
  }

  /** The command that ends the contact an agent holds. */
  completion(agentId: AgentId): Command {
    const contactId = this.held.get(agentId);
    if (contactId === undefined) throw new Error(`bench: ${agentId} holds nothing`);
    this.held.delete(agentId);
    return { type: 'completeContact', atMs: this.tick(), contactId, agentId };
  }

  /** Accepts every offer among the events, and records what each agent then holds. */
  acceptOffers(events: readonly Event[]): void {
    for (const event of events) {
      if (event.type === 'offerCreated') {
        const accepted = this.run({
          type: 'acceptOffer',
          atMs: this.tick(),
          offerId: event.offerId,
          agentId: event.agentId,
        });
        this.acceptOffers(accepted);
      } else if (event.type === 'contactAssigned') {
        this.held.set(event.agentId, event.contactId);
      }
    }
  }

  /** Contacts waiting in every queue. */
  waiting(): number {
    let total = 0;
    for (const queue of this.engine.inspect().queues.values()) total += queue.waiting;
    return total;
  }
}

interface Run {
  cycles: number;
  elapsedMs: number;
  decisions: number;
  decisionNs: number;
  events: number;
  /** CPU time of this process (all its threads, GC included) while the cycles ran. */
  cpuMs: number;
}

const newRun = (): Run => ({
  cycles: 0,
  elapsedMs: 0,
  decisions: 0,
  decisionNs: 0,
  events: 0,
  cpuMs: 0,
});

/**
 * Runs routing cycles until `cyclesLimit` or `msLimit`, adding them to
 * `run` (a new one unless given). A decision is timed as the whole
 * execute() of a completeContact that produced an offer: it
 * includes validating the command, applying contactCompleted, picking the
 * best contact over the agent's queues (R3), applying offerCreated and the
 * queue-status announcements — everything the engine does to decide, and
 * nothing the bench does. hrtime's own cost (tens of ns) is included too.
 */
function runCycles(centre: Centre, cyclesLimit: number, msLimit: number, run: Run = newRun()): Run {
  const eventsBefore = centre.engine.eventCount();
  const cpuBefore = process.cpuUsage();
  const startNs = nowNs();
  for (let cycles = 0; cycles < cyclesLimit; cycles++) {
    // Reading the clock every 256 cycles keeps its cost out of the count.
    if ((cycles & 255) === 0 && elapsedMs(startNs) >= msLimit) break;
    centre.enqueue(centre.randomQueue());
    const command = centre.completion(centre.nextBusyAgent());
    const decisionStartNs = nowNs();
    const events = centre.engine.execute(command).events;
    const decisionNs = Number(nowNs() - decisionStartNs);
    if (events.some((event) => event.type === 'offerCreated')) {
      run.decisions += 1;
      run.decisionNs += decisionNs;
    }
    centre.acceptOffers(events);
    run.cycles += 1;
  }
  run.elapsedMs += elapsedMs(startNs);
  const cpu = process.cpuUsage(cpuBefore);
  run.cpuMs += (cpu.user + cpu.system) / 1000;
  run.events += centre.engine.eventCount() - eventsBefore;
  return run;
}

/** Cycles of one window of the engine, and of its floor, in the alternation of `measure`. */
const engineWindowCycles = 1_024;
const floorWindowCycles = 4_096;

/** The floor's cycles and the time they took (floor.ts). */
interface FloorRun {
  cycles: number;
  elapsedMs: number;
}

/** One size of the bench: its centre, the floor built the same, and what was measured of both. */
interface Subject {
  size: number;
  centre: Centre;
  floor: FloorCentre;
  setupMs: number;
  fillMs: number;
  engine: Run;
  floorRun: FloorRun;
}

/**
 * Times every size's engine and floor in turns, a window of each in every
 * round, until each engine ran `cyclesLimit` cycles or `msLimit` per size
 * has passed. Every size and its floor then ran on the machine as it was at
 * nearly the same moments: the ratio of engine to floor tells the engine's
 * cost apart from the machine's speed, and the sizes' costs can be compared
 * with each other (a size timed a minute after another met another machine).
 */
function measureInTurns(subjects: readonly Subject[], cyclesLimit: number, msLimit: number): void {
  const startNs = nowNs();
  const totalMs = msLimit * subjects.length;
  let isRunning = true;
  while (isRunning && elapsedMs(startNs) < totalMs) {
    isRunning = false;
    for (const subject of subjects) {
      const missing = cyclesLimit - subject.engine.cycles;
      if (missing <= 0) continue;
      isRunning = true;
      runCycles(subject.centre, Math.min(engineWindowCycles, missing), totalMs, subject.engine);
      const floorStartNs = nowNs();
      subject.floor.run(floorWindowCycles);
      subject.floorRun.elapsedMs += elapsedMs(floorStartNs);
      subject.floorRun.cycles += floorWindowCycles;
    }
  }
}

const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
};
const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';

interface SizeResult {
  waiting: number;
  setupMs: number;
  /** Mean time of one enqueueContact while filling the lines (no agent free, so no offer). */
  nsPerEnqueue: number;
  cycles: number;
  elapsedMs: number;
  cyclesPerSecond: number;
  /**
   * Cycles per second of CPU time rather than wall time: steadier on a shared
   * machine where other processes take turns on the cores.
   */
  cpuCyclesPerSecond: number;
  decisions: number;
  nsPerDecision: number;
  /** Cycles per second of the floor (floor.ts), timed in turns with the engine's. */
  floorCyclesPerSecond: number;
  /**
   * cyclesPerSecond ÷ floorCyclesPerSecond: the engine's rate as a share of
   * the barest cycle's on the same machine at the same moments. It moves
   * with the code far more than with the machine's speed.
   */
  shareOfFloor: number;
  /** Events per cycle, queue-status announcements included. */
  eventsPerCycle: number;
  waitingAfter: number;
}

interface Bench {
  sizes: SizeResult[];
  bytesPerWaitingContact: number | null;
  snapshotMs: number;
  restoreMs: number;
  restoredContacts: number;
}

function benchmark(): Bench {
  let bytesPerWaitingContact: number | null = null;
  const subjects: Subject[] = [];
  for (const size of sizes) {
    progress(`engine bench: ${size} waiting — building ${agentCount} agents, ${queueCount} queues`);
    const setupStartNs = nowNs();
    const centre = new Centre();
    centre.build();
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const fillStartNs = nowNs();
    centre.fill(size);
    const fillMs = elapsedMs(fillStartNs);
    collectGarbage();
    const heapAfter = process.memoryUsage().heapUsed;
    const setupMs = elapsedMs(setupStartNs);
    if (size === sizes[sizes.length - 1] && hasGc) {
      bytesPerWaitingContact = Math.round((heapAfter - heapBefore) / size);
    }
    progress(`engine bench: ${size} waiting — set up in ${setupMs.toFixed(0)} ms; warming up`);
    const floor = new FloorCentre(
      { memberships: centre.memberships, queueCount },
      startMs,
      stepMs,
      seededRandom(20_250_106),
    );
    floor.fill(size);
    runCycles(centre, warmUpCyclesMax, warmUpMsMax);
    floor.run(warmUpCyclesMax);
    subjects.push({
      size,
      centre,
      floor,
      setupMs,
      fillMs,
      engine: newRun(),
      floorRun: { cycles: 0, elapsedMs: 0 },
    });
  }
  progress(`engine bench: measuring ${sizes.join(', ')} waiting in turns, each with its floor`);
  measureInTurns(subjects, cyclesMax, measureMsMax);
  const results = subjects.map(({ size, centre, setupMs, fillMs, engine: run, floorRun }) => {
    const cyclesPerSecond = run.cycles / (run.elapsedMs / 1000);
    const floorCyclesPerSecond = floorRun.cycles / (floorRun.elapsedMs / 1000);
    return {
      waiting: size,
      setupMs: Math.round(setupMs),
      nsPerEnqueue: Math.round((fillMs * 1e6) / size),
      cycles: run.cycles,
      elapsedMs: Math.round(run.elapsedMs),
      cyclesPerSecond: Math.round(cyclesPerSecond),
      cpuCyclesPerSecond: Math.round(run.cycles / (run.cpuMs / 1000)),
      decisions: run.decisions,
      nsPerDecision: Math.round(run.decisionNs / Math.max(1, run.decisions)),
      floorCyclesPerSecond: Math.round(floorCyclesPerSecond),
      shareOfFloor: Number((cyclesPerSecond / floorCyclesPerSecond).toFixed(3)),
      eventsPerCycle: Number((run.events / Math.max(1, run.cycles)).toFixed(2)),
      waitingAfter: centre.waiting(),
    };
  });
  const last = subjects[subjects.length - 1]?.centre;
  if (last === undefined) throw new Error('bench: no sizes');

  // Recovery (DESIGN.md §4: < 2 s to serve again with 100,000 waiting).
  progress(`engine bench: snapshot and restore with ${last.waiting()} waiting`);
  const snapshotStartNs = nowNs();
  const snapshot = last.engine.snapshot();
  const snapshotMs = elapsedMs(snapshotStartNs);
  const restoreStartNs = nowNs();
  const restored = Engine.restore(snapshot, { seed: 7 });
  const restoreMs = elapsedMs(restoreStartNs);
  return {
    sizes: results,
    bytesPerWaitingContact,
    snapshotMs: Math.round(snapshotMs),
    restoreMs: Math.round(restoreMs),
    restoredContacts: restored.inspect().contacts.size,
  };
}

const byWaiting = (
  results: readonly SizeResult[],
  field:
    | 'cyclesPerSecond'
    | 'cpuCyclesPerSecond'
    | 'nsPerDecision'
    | 'floorCyclesPerSecond'
    | 'shareOfFloor',
) => Object.fromEntries(results.map((result) => [String(result.waiting), result[field]]));

/** The fixed loop of calibrationMs, as a script: it prints its own time in ms. */
const calibrationScript = `
const startNs = process.hrtime.bigint();
let x = 0;
for (let i = 0; i < 50_000_000; i++) x = (x + i * 7) | 0;
const ms = Number(process.hrtime.bigint() - startNs) / 1e6;
// The result is used, so that the loop is not optimised away.
process.stdout.write(String(x === 0.5 ? -1 : Math.round(ms)));
`;

/**
 * A fixed integer loop, timed: how fast this machine's core was at that
 * moment. On a shared virtual machine the same code runs several times
 * faster or slower from one minute to the next; next to the results, this
 * tells a slow machine from slow code. It runs in a fresh Node process:
 * run again in this one after the bench, the same loop took 7–9 times
 * longer, V8 no longer optimising it, whatever the machine did.
 */
function calibrationMs(): number {
  return Number(execFileSync(process.execPath, ['-e', calibrationScript], { encoding: 'utf8' }));
}

/** The machine's load while the bench ran: above its core count, other processes slowed it down. */
const loadBefore = loadavg()[0] ?? 0;
const calibrationBefore = calibrationMs();
const bench = benchmark();
const load = { before: loadBefore, after: loadavg()[0] ?? 0 };
const calibration = { before: calibrationBefore, after: calibrationMs() };
const first = bench.sizes[0];
const largest = bench.sizes[bench.sizes.length - 1];
/** Growth of nsPerDecision from the smallest to the largest size, next to log n's growth. */
const growth =
  first === undefined || largest === undefined
    ? null
    : {
        nsPerDecision: largest.nsPerDecision / first.nsPerDecision,
        logN: Math.log(largest.waiting) / Math.log(first.waiting),
      };

if (isJson) {
  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'engine',
      setup: {
        agents: agentCount,
        queues: queueCount,
        membershipsPerAgent: `1-${membershipsPerAgentMax}`,
        channel: 'voice',
        wrapUpMs: 0,
        stepMs,
      },
      budget: { cyclesPerSecondMin: budgetCyclesPerSecond, atWaiting: 100_000 },
      cyclesPerSecond: byWaiting(bench.sizes, 'cyclesPerSecond'),
      cpuCyclesPerSecond: byWaiting(bench.sizes, 'cpuCyclesPerSecond'),
      nsPerDecision: byWaiting(bench.sizes, 'nsPerDecision'),
      floorCyclesPerSecond: byWaiting(bench.sizes, 'floorCyclesPerSecond'),
      shareOfFloor: byWaiting(bench.sizes, 'shareOfFloor'),
      decisionGrowth: growth,
      bytesPerWaitingContact: bench.bytesPerWaitingContact,
      snapshotMs: bench.snapshotMs,
      restoreMs: bench.restoreMs,
      sizes: bench.sizes,
      loadAverage1m: load,
      calibrationLoopMs: calibration,
      cores: availableParallelism(),
      node: process.version,
    })}\n`,
  );
} else {
  const lines = [
    `Engine: ${agentCount} agents, ${queueCount} queues, 1–${membershipsPerAgentMax} queues per agent, voice`,
    '',
    'waiting    cycles/s  (per CPU s)  floor c/s  share  ns/decision  ns/enqueue  events/cycle   cycles  waiting after',
    ...bench.sizes.map((result) =>
      [
        String(result.waiting).padEnd(7),
        String(result.cyclesPerSecond).padStart(10),
        `(${result.cpuCyclesPerSecond})`.padStart(12),
        String(result.floorCyclesPerSecond).padStart(10),
        result.shareOfFloor.toFixed(3).padStart(6),
        String(result.nsPerDecision).padStart(12),
        String(result.nsPerEnqueue).padStart(11),
        String(result.eventsPerCycle).padStart(13),
        String(result.cycles).padStart(8),
        String(result.waitingAfter).padStart(14),
      ].join(' '),
    ),
    '',
    growth === null
      ? ''
      : `ns/decision grew ${growth.nsPerDecision.toFixed(2)}× from ${first?.waiting} to ${largest?.waiting} waiting (log n grew ${growth.logN.toFixed(2)}×)`,
    `heap per waiting contact: ${bench.bytesPerWaitingContact === null ? 'n/a (run with --expose-gc)' : `${bench.bytesPerWaitingContact} bytes`}`,
    `snapshot ${bench.snapshotMs} ms, restore ${bench.restoreMs} ms (${bench.restoredContacts} live contacts)`,
    `budget: ≥ ${budgetCyclesPerSecond} cycles/s at 100000 waiting — ${
      (largest?.cyclesPerSecond ?? 0) >= budgetCyclesPerSecond ? 'met' : 'NOT met'
    }`,
    `load average (1 min) ${load.before.toFixed(1)} before, ${load.after.toFixed(1)} after, on ${availableParallelism()} cores`,
    `calibration loop (5e7 adds) ${calibration.before} ms before, ${calibration.after} ms after: the machine's speed at the time`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
