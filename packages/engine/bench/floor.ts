/*
 * The floor of the engine bench: the same routing cycle as the engine's
 * (a contact joins, a busy agent ends its contact and is offered the best
 * contact of its queues, it accepts), over the same centre, written as
 * barely as JavaScript allows. It keeps only what any router must: a map of
 * live contacts and one of offers, a line per queue as a binary heap in
 * serving order (VIP first, then priority, then arrival), the head of each
 * of an agent's queues read on every decision, a stack per queue of the
 * agents that went free with nothing to take (checked again when used), two
 * counters per queue and agent, and the events of a cycle as objects (nine:
 * it announces each queue's status without checking that it changed).
 *
 * It leaves out everything else the engine does: validating commands,
 * timers (the offer's time-out), the longest-wait index, free agents in strategy order,
 * positions and EWT, statistics by minute, queue priorities, channels,
 * capacity, bullseye levels, cool-downs, and checking that a status changed
 * before announcing it. No product could ship it; it exists to be timed.
 *
 * Why: this machine's speed swings several times over from one minute to
 * the next, so a number of cycles per second alone cannot tell a change to
 * the engine from a change in the machine. The bench times the engine and
 * this floor in alternating windows of a fraction of a second, in one
 * process; the engine's share of the floor's rate moves with the code, not
 * with the machine. The floor also bounds what a budget can ask of
 * JavaScript on this machine.
 */

/** A waiting or assigned contact of the floor. */
interface FloorContact {
  readonly id: string;
  readonly queue: FloorQueue;
  /** 1 for a VIP customer: first in line. */
  readonly vip: number;
  readonly priority: number;
  /** Arrival number: the tie-breaker. */
  readonly seq: number;
  offerId: string | null;
}

interface FloorQueue {
  readonly id: string;
  /** Waiting contacts as a binary heap: the head at index 0. */
  readonly line: FloorContact[];
  /** Agents that were free when they last looked at this queue; checked again before use. */
  readonly free: FloorAgent[];
  busy: number;
  offered: number;
}

interface FloorAgent {
  readonly id: string;
  readonly queues: readonly FloorQueue[];
  /** The contact it holds, or null. */
  held: FloorContact | null;
  offer: FloorContact | null;
  handled: number;
}

/** Serving order: negative when `a` goes before `b`. */
function before(a: FloorContact, b: FloorContact): number {
  return b.vip - a.vip || b.priority - a.priority || a.seq - b.seq;
}

/** Adds a contact to a heap. O(log n). */
function push(line: FloorContact[], contact: FloorContact): void {
  let index = line.length;
  line.push(contact);
  while (index > 0) {
    const parentIndex = (index - 1) >> 1;
    const parent = line[parentIndex] as FloorContact;
    if (before(contact, parent) >= 0) break;
    line[index] = parent;
    index = parentIndex;
  }
  line[index] = contact;
}

/** Takes the head off a heap that is not empty. O(log n). */
function pop(line: FloorContact[]): FloorContact {
  const head = line[0] as FloorContact;
  const last = line.pop() as FloorContact;
  const size = line.length;
  if (size === 0) return head;
  let index = 0;
  for (;;) {
    const left = 2 * index + 1;
    if (left >= size) break;
    const right = left + 1;
    const child =
      right < size && before(line[right] as FloorContact, line[left] as FloorContact) < 0
        ? right
        : left;
    if (before(line[child] as FloorContact, last) >= 0) break;
    line[index] = line[child] as FloorContact;
    index = child;
  }
  line[index] = last;
  return head;
}

/** The shape of a centre: the same as the engine bench's. */
export interface FloorShape {
  /** For each agent, the indexes of the queues it serves. */
  memberships: readonly (readonly number[])[];
  queueCount: number;
}

/** A centre routed by the floor's cycle. */
export class FloorCentre {
  private readonly queues: FloorQueue[] = [];
  private readonly agents: FloorAgent[] = [];
  private readonly contacts = new Map<string, FloorContact>();
  private readonly offers = new Map<string, FloorContact>();
  /** The events of the current command, as the engine returns them. */
  private events: object[] = [];
  private seq = 0;
  private clockMs: number;
  private nextAgentIndex = 0;

  constructor(
    shape: FloorShape,
    startMs: number,
    private readonly stepMs: number,
    private readonly random: () => number,
  ) {
    this.clockMs = startMs;
    for (let q = 0; q < shape.queueCount; q++) {
      this.queues.push({ id: `q${q}`, line: [], free: [], busy: 0, offered: 0 });
    }
    shape.memberships.forEach((queueIndexes, a) => {
      this.agents.push({
        id: `a${a}`,
        queues: queueIndexes.map((q) => this.queues[q] as FloorQueue),
        held: null,
        offer: null,
        handled: 0,
      });
    });
  }

  /** Every agent takes one contact, then `waiting` contacts join random queues. */
  fill(waiting: number): void {
    for (const agent of this.agents) {
      const contact = this.newContact(agent.queues[0] as FloorQueue);
      this.contacts.set(contact.id, contact);
      agent.held = contact;
    }
    for (let i = 0; i < waiting; i++) this.enqueue(this.randomQueue());
  }

  /** Runs `count` cycles; returns the events they emitted. */
  run(count: number): number {
    let events = 0;
    for (let i = 0; i < count; i++) {
      const offered = this.enqueue(this.randomQueue());
      events += this.events.length;
      if (offered !== null) {
        // An agent whose queues were empty was free: it takes the newcomer at once.
        this.accept(offered, offered.offer?.offerId as string);
        events += this.events.length;
      }
      const agent = this.agents[this.nextAgentIndex] as FloorAgent;
      this.nextAgentIndex = (this.nextAgentIndex + 1) % this.agents.length;
      if (agent.held === null) continue;
      this.complete(agent);
      events += this.events.length;
      if (agent.offer !== null) {
        this.accept(agent, agent.offer.offerId as string);
        events += this.events.length;
      }
    }
    return events;
  }

  /** Contacts waiting in every line. */
  waiting(): number {
    let total = 0;
    for (const queue of this.queues) total += queue.line.length;
    return total;
  }

  /** Agents holding a contact. */
  busy(): number {
    return this.agents.filter((agent) => agent.held !== null).length;
  }

  private randomQueue(): FloorQueue {
    return this.queues[Math.floor(this.random() * this.queues.length)] as FloorQueue;
  }

  private newContact(queue: FloorQueue): FloorContact {
    const seq = this.seq++;
    return { id: `c${seq}`, queue, vip: seq % 20 === 0 ? 1 : 0, priority: 0, seq, offerId: null };
  }

  private tick(): number {
    this.clockMs += this.stepMs;
    this.events = [];
    return this.clockMs;
  }

  private status(queue: FloorQueue, atMs: number): object {
    return {
      type: 'queueStatusChanged',
      atMs,
      status: { queueId: queue.id, waiting: queue.line.length, busy: queue.busy },
    };
  }

  /** A contact joins; returns the free agent it was offered to at once, or null. */
  private enqueue(queue: FloorQueue): FloorAgent | null {
    const atMs = this.tick();
    const contact = this.newContact(queue);
    this.contacts.set(contact.id, contact);
    push(queue.line, contact);
    queue.offered += 1;
    this.events.push({
      type: 'contactQueued',
      atMs,
      contact: { id: contact.id, queueId: queue.id, channel: 'voice' },
      position: queue.line.length,
    });
    let agent = queue.free.pop();
    while (agent !== undefined && (agent.held !== null || agent.offer !== null))
      agent = queue.free.pop();
    if (agent === undefined) {
      this.events.push(this.status(queue, atMs));
      return null;
    }
    this.offer(agent, queue, atMs);
    return agent;
  }

  private complete(agent: FloorAgent): void {
    const atMs = this.tick();
    const done = agent.held as FloorContact;
    this.contacts.delete(done.id);
    agent.held = null;
    agent.handled += 1;
    done.queue.busy -= 1;
    this.events.push({
      type: 'contactCompleted',
      atMs,
      contactId: done.id,
      agentId: agent.id,
      queueId: done.queue.id,
    });
    this.events.push(this.status(done.queue, atMs));
    // R3 without priorities: the best head over the agent's queues.
    let best: FloorQueue | null = null;
    for (const queue of agent.queues) {
      const head = queue.line[0];
      if (head !== undefined && (best === null || before(head, best.line[0] as FloorContact) < 0))
        best = queue;
    }
    if (best === null) {
      for (const queue of agent.queues) queue.free.push(agent);
      return;
    }
    this.offer(agent, best, atMs);
  }

  /** Offers the head of a queue's line to an agent. */
  private offer(agent: FloorAgent, best: FloorQueue, atMs: number): void {
    const contact = pop(best.line);
    const offerId = `o${this.seq++}`;
    contact.offerId = offerId;
    this.offers.set(offerId, contact);
    agent.offer = contact;
    this.events.push({
      type: 'offerCreated',
      atMs,
      offerId,
      contactId: contact.id,
      agentId: agent.id,
      queueId: best.id,
    });
    this.events.push(this.status(best, atMs));
  }

  private accept(agent: FloorAgent, offerId: string): void {
    const atMs = this.tick();
    const contact = this.offers.get(offerId) as FloorContact;
    this.offers.delete(offerId);
    contact.offerId = null;
    agent.offer = null;
    agent.held = contact;
    contact.queue.busy += 1;
    this.events.push({ type: 'offerAccepted', atMs, offerId, contactId: contact.id });
    this.events.push({
      type: 'contactAssigned',
      atMs,
      contactId: contact.id,
      agentId: agent.id,
      queueId: contact.queue.id,
    });
    this.events.push(this.status(contact.queue, atMs));
  }
}
