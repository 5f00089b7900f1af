import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Event, ServerMessage } from '@lineup/protocol';
import {
  quantileOfSorted,
  type Credential,
  type GeneratorMessage,
  type LoadErrors,
  type LoadPlan,
  type LoadReport,
} from './load.ts';

/*
 * The server bench's load generator, a child process of server.bench.ts so
 * that its sockets and its clock are not the server's. It takes a LoadPlan
 * over IPC, opens one WebSocket per agent and per customer, logs the agents
 * in, then has the customers join queues at a paced rate: first for the
 * plan's warm-up seconds, whose latencies are kept apart, then for the
 * measured seconds. Every agent
 * accepts each offer it is sent and completes the contact handleMs after it
 * is assigned, so it is free again. The latency of one enqueue runs from the
 * customer's send to the agent's socket receiving offerCreated for that
 * contact: both in this process, on one clock (performance.now).
 *
 * Every loop is bounded by count and by time; progress goes to stderr.
 */

/** Sockets opened at once while connecting. */
const connectConcurrency = 100;
/** Longest wait for one socket's welcome (and an agent's log-in reply). */
const connectTimeoutMs = 15_000;
/** Longest time to connect every socket. */
const connectMsMax = 180_000;
/** How long the sending may run past its planned time on a slow machine before it stops. */
const sendLateMsMax = 10_000;
/** How long to wait after the last send for the offers still on their way. */
const drainMsMax = 5_000;
/** Period of the timer that samples the event loop's delay. */
const lagResolutionMs = 10;
/** Wait between two pacing steps: the enqueues due are sent at each step. */
const paceStepMs = 1;
/** Period of the timer that completes the contacts whose handling time is over. */
const completionStepMs = 5;
/** Completions done before the queue's arrays are cut. */
const completionsCompactAt = 10_000;

const progress = (message: string): void => {
  process.stderr.write(`load: ${message}\n`);
};

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** Sends a message to the bench (then calls `sent`); the generator runs only as its child. */
function tell(message: GeneratorMessage, sent?: () => void): void {
  if (process.send === undefined) throw new Error('load-generator runs as a child with IPC');
  process.send(message, undefined, {}, sent);
}

/** The load's state, shared by every socket's handler. */
class Load {
  /** Send time of each enqueue whose offer has not been seen yet, by contact id. */
  readonly sentAtMs = new Map<string, number>();
  /** Latencies of the phase under way (warm-up, then the measured window). */
  latenciesMs: number[] = [];
  readonly errors: LoadErrors = { connect: 0, closed: 0, refusals: {}, missingOffers: 0 };
  readonly sockets: WebSocket[] = [];
  /**
   * The contacts agents hold, in the order their completions fall due (every
   * contact is held handleMs): a queue in four arrays from `#completionsHead`
   * on, walked by one timer, rather than a timer and a closure per contact,
   * which outlived the generator's young collections and made them longer.
   */
  readonly #completions = {
    dueAtMs: [] as number[],
    sockets: [] as WebSocket[],
    contactIds: [] as string[],
    agentIds: [] as string[],
  };
  #completionsHead = 0;
  /** Offers read and not yet accepted (#acceptLater), in arrival order. */
  readonly #accepts = {
    sockets: [] as WebSocket[],
    offerIds: [] as string[],
    agentIds: [] as string[],
  };
  readonly #completionTimer: NodeJS.Timeout;
  #messageNumber = 0;
  isEnding = false;

  constructor(readonly plan: LoadPlan) {
    this.#completionTimer = setInterval(() => {
      this.#completeDue();
    }, completionStepMs);
  }

  /** Stops completing contacts: the load is over. */
  end(): void {
    this.isEnding = true;
    clearInterval(this.#completionTimer);
  }

  /** Sends completeContact for every contact whose handling time is over. */
  #completeDue(): void {
    const { dueAtMs, sockets, contactIds, agentIds } = this.#completions;
    const nowMs = performance.now();
    let head = this.#completionsHead;
    while (head < dueAtMs.length && (dueAtMs[head] ?? Infinity) <= nowMs) {
      const socket = sockets[head];
      if (socket !== undefined) {
        sendCommand(socket, this.nextId('c'), {
          type: 'completeContact',
          contactId: contactIds[head],
          agentId: agentIds[head],
        });
      }
      head += 1;
    }
    // The arrays are cut once their done part is large, so that they do not grow for the whole run.
    if (head >= completionsCompactAt) {
      for (const column of [dueAtMs, sockets, contactIds, agentIds]) column.splice(0, head);
      head = 0;
    }
    this.#completionsHead = head;
  }

  /**
   * Accepts an offer once the event loop has read everything that arrived
   * with it. Each of the 2,500 agents stands for a machine of its own, whose
   * answer delays no other agent; sending it at once, from the read, put a
   * socket write (the loopback's delivery included) before the reading of
   * every offer that arrived in the same poll, and the last of a burst of
   * offers was timed late by the sends of all those before it.
   */
  #acceptLater(socket: WebSocket, offerId: string, agentId: string): void {
    const accepts = this.#accepts;
    if (accepts.sockets.length === 0) setImmediate(this.#sendAccepts);
    accepts.sockets.push(socket);
    accepts.offerIds.push(offerId);
    accepts.agentIds.push(agentId);
  }

  readonly #sendAccepts = (): void => {
    const { sockets, offerIds, agentIds } = this.#accepts;
    for (let index = 0; index < sockets.length; index++) {
      sendCommand(sockets[index] as WebSocket, this.nextId('a'), {
        type: 'acceptOffer',
        offerId: offerIds[index],
        agentId: agentIds[index],
      });
    }
    sockets.length = 0;
    offerIds.length = 0;
    agentIds.length = 0;
  };

  nextId(prefix: string): string {
    this.#messageNumber += 1;
    return `${prefix}${this.#messageNumber}`;
  }

  refused(code: string): void {
    this.errors.refusals[code] = (this.errors.refusals[code] ?? 0) + 1;
  }

  /** An agent's socket received an event: time offers, accept them, complete what it holds. */
  onAgentEvent(socket: WebSocket, agentId: string, event: Event): void {
    if (event.type === 'offerCreated') {
      const sentAtMs = this.sentAtMs.get(event.contactId);
      if (sentAtMs !== undefined) {
        this.latenciesMs.push(performance.now() - sentAtMs);
        this.sentAtMs.delete(event.contactId);
      }
      this.#acceptLater(socket, event.offerId, agentId);
    } else if (event.type === 'contactAssigned') {
      const completions = this.#completions;
      completions.dueAtMs.push(performance.now() + this.plan.handleMs);
      completions.sockets.push(socket);
      completions.contactIds.push(event.contactId);
      completions.agentIds.push(agentId);
    }
  }
}

function sendCommand(socket: WebSocket, id: string, command: Record<string, unknown>): void {
  if (socket.readyState === WebSocket.OPEN)
    socket.send(JSON.stringify({ type: 'command', id, command }));
}

/**
 * Opens one socket, says hello, and (for an agent) logs in; resolves with the
 * socket, or null when any step failed or took too long.
 */
function connect(load: Load, credential: Credential, role: 'agent' | 'customer') {
  return new Promise<WebSocket | null>((resolve) => {
    const socket = new WebSocket(`${load.plan.url.replace(/^http/, 'ws')}/v1/ws`);
    const logInId = load.nextId('l');
    let isSettled = false;
    let isConnected = false;
    const settle = (result: WebSocket | null) => {
      if (isSettled) return;
      isSettled = true;
      isConnected = result !== null;
      clearTimeout(timer);
      if (result === null) {
        load.errors.connect += 1;
        socket.terminate();
      }
      resolve(result);
    };
    const timer = setTimeout(() => {
      settle(null);
    }, connectTimeoutMs);
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'hello', token: credential.token }));
    });
    socket.on('error', () => {
      settle(null);
    });
    socket.on('close', () => {
      if (isConnected && !load.isEnding) load.errors.closed += 1;
      settle(null);
    });
    socket.on('message', (data: Buffer) => {
      // Most messages are read by nobody here: only those it acts on are decoded and parsed, so
      // that the generator, which shares the server's two cores, takes as little of them as it
      // can, and leaves its young collections less to do.
      if (isIgnored(data, role)) return;
      const message = JSON.parse(data.toString('utf8')) as ServerMessage;
      switch (message.type) {
        case 'welcome':
          if (role === 'customer') settle(socket);
          else sendCommand(socket, logInId, { type: 'logIn', agentId: credential.subject });
          return;
        case 'reply':
          if (!message.ok) load.refused(message.error.code);
          if (message.id === logInId) settle(message.ok ? socket : null);
          return;
        case 'event':
          if (role === 'agent') load.onAgentEvent(socket, credential.subject, message.event);
          return;
        case 'error':
          load.refused(message.error.code);
          settle(null);
          return;
        case 'place':
        case 'waiting':
        case 'assignments':
        case 'announcement':
        case 'chat':
        case 'chatRead':
        case 'chatTyping':
        case 'call':
        case 'callSignal':
        case 'callQuality':
          return;
      }
    });
  });
}

/** The events an agent's handler acts on (Load.onAgentEvent), each as its type's bytes and the closing quote. */
const agentEventTypes = ['offerCreated', 'contactAssigned'].map((type) => Buffer.from(`${type}"`));
const readPrefixes = ['{"type":"reply"', '{"type":"error"', '{"type":"welcome"'].map((prefix) =>
  Buffer.from(prefix),
);
const eventPrefix = Buffer.from('{"type":"event",');
const eventTypeMark = Buffer.from('"event":{"type":"');

/** Whether `data` holds `bytes` from byte `at` on; compared in place, with no copy. */
const holdsAt = (data: Buffer, bytes: Buffer, at: number): boolean =>
  data.length >= at + bytes.length &&
  data.compare(bytes, 0, bytes.length, at, at + bytes.length) === 0;

/**
 * Whether a message need not be parsed, read from its bytes: every message
 * begins with its type (the server writes `type` first), an event's own type
 * follows `"event":`, and a customer reads nothing but replies and errors, an
 * agent no event but offers and assignments. Pushed messages that are not
 * events (place, waiting, ...) are read by nobody.
 */
function isIgnored(data: Buffer, role: 'agent' | 'customer'): boolean {
  // Loops rather than `some`: a closure per message is what this function is here to spare.
  for (const prefix of readPrefixes) if (holdsAt(data, prefix, 0)) return false;
  if (role === 'customer' || !holdsAt(data, eventPrefix, 0)) return true;
  const at = data.indexOf(eventTypeMark);
  if (at < 0) return false;
  const start = at + eventTypeMark.length;
  for (const type of agentEventTypes) if (holdsAt(data, type, start)) return false;
  return true;
}

/** A socket that said hello (and, for an agent, logged in), with its token's subject. */
interface Connected {
  socket: WebSocket;
  subject: string;
}

/** Connects every credential of one role, connectConcurrency at a time. */
async function connectAll(
  load: Load,
  credentials: readonly Credential[],
  role: 'agent' | 'customer',
  deadlineMs: number,
): Promise<Connected[]> {
  const connected: Connected[] = [];
  for (let start = 0; start < credentials.length; start += connectConcurrency) {
    if (performance.now() > deadlineMs) {
      load.errors.connect += credentials.length - start;
      break;
    }
    const batch = credentials.slice(start, start + connectConcurrency);
    const sockets = await Promise.all(batch.map((credential) => connect(load, credential, role)));
    sockets.forEach((socket, index) => {
      const subject = batch[index]?.subject;
      if (socket !== null && subject !== undefined) connected.push({ socket, subject });
    });
  }
  load.sockets.push(...connected.map(({ socket }) => socket));
  return connected;
}

/**
 * Sends the enqueues of one phase at the planned rate, then waits for their
 * offers (at most drainMsMax); returns how many were sent and over how long.
 * Contact ids take the phase's prefix; customers and queues take turns from
 * `first` on, so that the phases continue one rotation.
 */
async function sendEnqueues(
  load: Load,
  customers: readonly Connected[],
  phase: { seconds: number; prefix: string; first: number },
): Promise<{ sent: number; elapsedMs: number }> {
  const { plan } = load;
  const total = Math.round(plan.ratePerSecond * phase.seconds);
  const startMs = performance.now();
  const stopAtMs = startMs + phase.seconds * 1000 + sendLateMsMax;
  let sent = 0;
  let nextProgressMs = startMs + 5_000;
  while (sent < total && customers.length > 0) {
    const nowMs = performance.now();
    if (nowMs > stopAtMs) break;
    const due = Math.min(total, Math.floor(((nowMs - startMs) * plan.ratePerSecond) / 1000) + 1);
    for (; sent < due; sent++) {
      const turn = phase.first + sent;
      const customer = customers[turn % customers.length];
      if (customer === undefined) break;
      const contactId = `${phase.prefix}${sent}`;
      load.sentAtMs.set(contactId, performance.now());
      sendCommand(customer.socket, load.nextId('e'), {
        type: 'enqueueContact',
        contact: {
          id: contactId,
          queueId: plan.queueIds[turn % plan.queueIds.length],
          channel: 'voice',
          customer: { id: customer.subject, type: 'normal' },
        },
      });
    }
    if (nowMs >= nextProgressMs) {
      progress(`${sent}/${total} enqueues sent, ${load.latenciesMs.length} offers seen`);
      nextProgressMs += 5_000;
    }
    await sleep(paceStepMs);
  }
  const elapsedMs = performance.now() - startMs;
  const drainUntilMs = performance.now() + drainMsMax;
  while (load.latenciesMs.length < sent && performance.now() < drainUntilMs) await sleep(10);
  return { sent, elapsedMs };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

async function run(plan: LoadPlan): Promise<LoadReport> {
  const load = new Load(plan);
  const connectStartMs = performance.now();
  const deadlineMs = connectStartMs + connectMsMax;
  progress(`connecting ${plan.agents.length} agents and ${plan.customers.length} customers`);
  const agents = await connectAll(load, plan.agents, 'agent', deadlineMs);
  const customers = await connectAll(load, plan.customers, 'customer', deadlineMs);
  const connectMs = performance.now() - connectStartMs;
  progress(
    `connected ${agents.length} agents, ${customers.length} customers in ${Math.round(connectMs)} ms`,
  );

  if (plan.warmUpSeconds > 0) progress(`warming up for ${plan.warmUpSeconds} s`);
  const warmUp = await sendEnqueues(load, customers, {
    seconds: plan.warmUpSeconds,
    prefix: 'w',
    first: 0,
  });
  const warmUpSorted = Float64Array.from(load.latenciesMs).sort();
  load.latenciesMs = [];
  // Offers of the warm-up that never came count as missing, and cannot land in the window.
  const warmUpMissing = load.sentAtMs.size;
  load.sentAtMs.clear();

  tell({ type: 'phase', phase: 'measuring' });
  const lag = monitorEventLoopDelay({ resolution: lagResolutionMs });
  lag.enable();
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count += 1;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const cpuBefore = process.cpuUsage();
  const loadStartMs = performance.now();
  const { sent, elapsedMs } = await sendEnqueues(load, customers, {
    seconds: plan.seconds,
    prefix: 'b',
    first: warmUp.sent,
  });
  const cpu = process.cpuUsage(cpuBefore);
  const loadMs = performance.now() - loadStartMs;
  lag.disable();
  gcObserver.disconnect();
  tell({ type: 'phase', phase: 'sent' });

  load.end();
  for (const socket of load.sockets) socket.terminate();
  load.errors.missingOffers = warmUpMissing + load.sentAtMs.size;
  const sorted = Float64Array.from(load.latenciesMs).sort();
  const sum = load.latenciesMs.reduce((total, value) => total + value, 0);
  return {
    agentsConnected: agents.length,
    customersConnected: customers.length,
    connectMs: Math.round(connectMs),
    enqueuesSent: sent,
    enqueuesPerSecond: Math.round(sent / (elapsedMs / 1000)),
    offersObserved: load.latenciesMs.length,
    latencyMs: {
      p50: round2(quantileOfSorted(sorted, 0.5)),
      p90: round2(quantileOfSorted(sorted, 0.9)),
      p99: round2(quantileOfSorted(sorted, 0.99)),
      max: round2(sorted[sorted.length - 1] ?? 0),
      mean: round2(sum / Math.max(1, sorted.length)),
    },
    errors: load.errors,
    warmUp: {
      enqueuesSent: warmUp.sent,
      offersObserved: warmUpSorted.length,
      p50Ms: round2(quantileOfSorted(warmUpSorted, 0.5)),
      p99Ms: round2(quantileOfSorted(warmUpSorted, 0.99)),
      maxMs: round2(warmUpSorted[warmUpSorted.length - 1] ?? 0),
    },
    generatorCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / loadMs) * 100),
    // The histogram holds the time between two of its timer's ticks: its period is no delay.
    generatorLagP99Ms: round2(Math.max(0, lag.percentile(99) / 1e6 - lagResolutionMs)),
    generatorGc: { count: gc.count, totalMs: round2(gc.totalMs), maxMs: round2(gc.maxMs) },
  };
}

process.once('message', (message: LoadPlan) => {
  void run(message).then(
    (report) => {
      tell({ type: 'report', report }, () => {
        process.disconnect();
      });
    },
    (error: unknown) => {
      process.stderr.write(`load: failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
