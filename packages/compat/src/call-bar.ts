import {
  asPartyId,
  type AgentId,
  type Call,
  type CallId,
  type ContactId,
  type EventOf,
  type QueueId,
  type StickyLeaveType,
} from '@lineup/protocol';
import type {
  AgentView,
  ContactView,
  LineupAgent,
  LineupSupervisor,
  QueueView,
  Unsubscribe,
} from '@lineup/sdk';
import type {
  AgentGroupEvent,
  CallBarAgent,
  CallBarId,
  CallBarQueueEvents,
  MemberEnqueueEvent,
  MonitorCaller,
} from './call-bar-events.ts';
import { callBarCallEvents, type CallBarCallEvents, type CallContext } from './call-bar-calls.ts';
import { SerialTasks, allPages, callSafely } from './callbacks.ts';

/*
 * The call-bar SDK's events (seed document 002; docs/compat.md, Call-bar
 * events) over Lineup's SDK: `CallCenter.addEventListener(name, fn)` hands
 * the page the document's event names with its payload fields. An agent's
 * call bar is made over a LineupAgent, a supervisor's ("班长") over a
 * LineupSupervisor; both may be given to one call bar.
 *
 * Every payload is built from what the server said — an event, a pushed
 * count, a read — and nothing is decided here. The waiting counts come from
 * the server every 5 s for an agent; a supervisor, who is pushed queue
 * statuses on change instead, gets its queuenum from the last status heard,
 * on a timer of the same period.
 */

/** Every event of the call bar, by name: the queue events and the call flows. */
export type CallBarEvents = CallBarQueueEvents & CallBarCallEvents;

/** The supervisor's queuenum period: the document's 5 s. */
export const queueNumEveryMsDefault = 5_000;
/** Most waiting calls monitorcaller lists per skill group (the first, in serving order). */
export const monitorCallersMax = 100;
/** Most live calls an agent's call bar follows at once; the oldest is forgotten past it. */
export const callBarCallsMax = 50;

/** How a call bar is made. */
export interface CallCenterOptions {
  /** An agent's call bar: its Lineup connection. */
  agent?: LineupAgent;
  /** A supervisor's call bar: its Lineup connection. */
  supervisor?: LineupSupervisor;
  /** The company id the payloads carry; default the tenant id. */
  companyId?: CallBarId;
  /** The skill-group id the payloads carry for a queue; default `callBarIdOf(queueId)`. */
  groupIdOf?: (queueId: QueueId) => CallBarId;
  /** The supervisor's queuenum period; default 5 s. */
  queueNumEveryMs?: number;
}

/** A listener of one call-bar event. */
export type CallBarListener<K extends keyof CallBarEvents> = (json: CallBarEvents[K]) => void;

/** The call bar's `CallCenter` object, as far as events go. */
export interface CallCenter {
  /** Calls `listener` with every `name` event from now on. */
  addEventListener<K extends keyof CallBarEvents>(name: K, listener: CallBarListener<K>): void;
  /** Stops a listener added with `addEventListener`. */
  removeEventListener<K extends keyof CallBarEvents>(name: K, listener: CallBarListener<K>): void;
  /** Supervisors: starts monitoring (monitorqueue, monitorcaller, agentbegingroup, agentstopgroup). */
  monitoragent(): void;
  /** Lineup's addition: stops listening to the clients and the timer (the clients stay open). */
  close(): void;
}

/** A Lineup id as the call bar shows an int id: a number when it is all digits, else itself. */
export function callBarIdOf(id: string): CallBarId {
  const asNumber = /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
  return Number.isSafeInteger(asNumber) ? asNumber : id;
}

/** `yyyy-MM-dd HH:mm:ss` in the page's time zone, the document's operate_time. */
export function callBarTimeOf(atMs: number): string {
  const at = new Date(atMs);
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    `${String(at.getFullYear())}-${two(at.getMonth() + 1)}-${two(at.getDate())} ` +
    `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`
  );
}

/** The call bar's agent status of a Lineup agent. */
function statusOf(view: AgentView): string {
  switch (view.presence) {
    case 'offline':
      return 'offwork';
    case 'notReady':
      return 'busy';
    case 'wrapUp':
      return 'after';
    case 'ready':
      return view.contactIds.length > 0 ? 'talking' : 'free';
  }
}

/** The document's leaveType of a sticky line's leaving: 1 to the agent, 2 gave up, 3 otherwise. */
function leaveTypeOf(leaveType: StickyLeaveType): 1 | 2 | 3 {
  if (leaveType === 'agent') return 1;
  if (leaveType === 'abandon') return 2;
  return 3;
}

/** What the member events read: a client that may read contacts and queues. */
type Reader = Pick<LineupAgent, 'contact' | 'queue' | 'opened'>;

/** Creates a call bar's CallCenter over an agent's or a supervisor's connection (or both). */
export function createCallCenter(options: CallCenterOptions): CallCenter {
  const { agent, supervisor } = options;
  const groupIdOf = options.groupIdOf ?? callBarIdOf;
  const listeners = new Map<string, Set<(json: never) => void>>();
  const stops: Unsubscribe[] = [];
  const tasks = new SerialTasks();
  let isClosed = false;
  let isMonitoring = false;
  let timer: ReturnType<typeof setInterval> | null = null;
  /** The supervisor's queues and their last waiting counts, from reads and queueStatusChanged. */
  const waitingByQueue = new Map<QueueId, number>();
  /** Calls waiting per memory agent, from stickyQueued's count (the dequeue event carries none). */
  const memoryLineByAgent = new Map<AgentId, number>();
  /** The contacts waiting for a memory agent, read at enqueue for their dequeue. */
  const memoryContacts = new Map<ContactId, ContactView>();

  const emit = <K extends keyof CallBarEvents>(name: K, json: CallBarEvents[K]) => {
    if (isClosed) return;
    for (const listener of [...(listeners.get(name) ?? [])]) {
      callSafely(listener as CallBarListener<K>, json);
    }
  };
  const companyIdOf = async (client: Reader): Promise<CallBarId> =>
    options.companyId ?? callBarIdOf((await client.opened()).tenantId);
  const agentKeyOf = async (client: Reader, agentId: AgentId) =>
    `${agentId}@${(await client.opened()).tenantId}`;

  const queueNums = (queueIds: Iterable<QueueId>) =>
    [...queueIds].map((queueId) => ({
      autonum: 0,
      groupid: groupIdOf(queueId),
      num: waitingByQueue.get(queueId) ?? 0,
    }));

  /** One skill group's waiting calls, read in serving order. */
  const callersOf = async (queueId: QueueId): Promise<MonitorCaller[]> => {
    if (supervisor === undefined || (waitingByQueue.get(queueId) ?? 0) === 0) return [];
    const contacts = await supervisor.waitingContacts(queueId, monitorCallersMax);
    return contacts.map((contact) => ({
      baseScore: contact.priority,
      caller: contact.customer.number ?? contact.customer.id,
      ...(contact.customer.name === undefined ? {} : { customerName: contact.customer.name }),
      customerType: contact.customer.type === 'vip' ? 2 : 1,
      joinedTime: String(contact.placeAtMs),
      joinedType: contact.joinedType === 'transfer' || contact.joinedType === 'overflow' ? 2 : 1,
      startTime: String(contact.joinedAtMs),
    }));
  };

  const announceCallers = async (queueIds: QueueId[]): Promise<void> => {
    const data: { groupid: CallBarId; callers: MonitorCaller[] }[] = [];
    for (const queueId of queueIds) {
      data.push({ groupid: groupIdOf(queueId), callers: await callersOf(queueId) });
    }
    emit('monitorcaller', { type: 'monitorcaller', cmdtype: 1, data });
  };

  const memberFields = async (
    client: Reader,
    event: EventOf<'stickyQueued'> | EventOf<'stickyDequeued'>,
    contact: ContactView | undefined,
  ): Promise<Omit<MemberEnqueueEvent, 'type'>> => {
    const queue: QueueView = await client.queue(event.queueId);
    const joinedAtMs = contact?.joinedAtMs ?? event.atMs;
    return {
      caller: contact?.customer.number ?? contact?.customer.id ?? '',
      callId: event.contactId,
      companyId: await companyIdOf(client),
      currentLineUpNum: queue.status.waiting,
      memoryLineUpNum: memoryLineByAgent.get(event.agentId) ?? 0,
      customerType: contact?.customer.type === 'vip' ? 2 : 1,
      groupId: groupIdOf(event.queueId),
      joinedTime: contact?.placeAtMs ?? joinedAtMs,
      memoryAgentKey: await agentKeyOf(client, event.agentId),
      startTime: joinedAtMs,
      joinedType: contact?.joinedType === 'transfer' ? 2 : 1,
      stationNo: 0,
      baseScore: contact?.priority ?? 0,
    };
  };

  const listenToMemoryLine = (client: Reader & Pick<LineupAgent, 'on'>) => {
    stops.push(
      client.on('stickyQueued', (event) => {
        void tasks.run(async () => {
          memoryLineByAgent.set(event.agentId, event.lineLength);
          const contact = await client.contact(event.contactId).catch(() => undefined);
          if (contact !== undefined) memoryContacts.set(event.contactId, contact);
          const fields = await memberFields(client, event, contact);
          emit('memberEnqueue', { type: 'memberEnqueue', ...fields });
        });
      }),
      client.on('stickyDequeued', (event) => {
        void tasks.run(async () => {
          const left = Math.max(0, (memoryLineByAgent.get(event.agentId) ?? 1) - 1);
          memoryLineByAgent.set(event.agentId, left);
          const contact =
            memoryContacts.get(event.contactId) ??
            (await client.contact(event.contactId).catch(() => undefined));
          memoryContacts.delete(event.contactId);
          const fields = await memberFields(client, event, contact);
          emit('memberDequeue', {
            type: 'memberDequeue',
            ...fields,
            leavingTime: event.atMs,
            leaveType: leaveTypeOf(event.leaveType),
          });
        });
      }),
      client.on('announcement', (message) => {
        const msg = {
          id: message.seq,
          isannouncement: 1,
          remark: 'thisisannouncementnew',
          text: message.text,
          from: message.from,
          atMs: message.atMs,
        };
        emit('sendmsg', {
          type: 'sendmsg',
          cmdtype: 1,
          annoucement: true,
          msg: JSON.stringify(msg),
        });
      }),
    );
  };

  /** The calls the agent takes part in, as last seen, with what their contact says. */
  const calls = new Map<CallId, { call: Call; context: CallContext }>();
  const callContextOf = async (client: LineupAgent, call: Call): Promise<CallContext> => {
    const contact =
      call.contactId === undefined
        ? undefined
        : await client.contact(call.contactId).catch(() => undefined);
    if (contact === undefined) {
      return {
        customerNumber: null,
        groupid: '',
        serviceNumber: '',
        userdata: {},
        isTransferIn: false,
      };
    }
    return {
      customerNumber: contact.customer.number ?? contact.customer.id,
      groupid: groupIdOf(contact.queueId),
      serviceNumber: contact.queueId,
      userdata: contact.attributes,
      isTransferIn: contact.joinedType === 'transfer',
    };
  };

  if (agent !== undefined) {
    listenToMemoryLine(agent);
    stops.push(
      agent.on('call', ({ call }) => {
        void tasks.run(async () => {
          const self = asPartyId(`agent:${await agent.agentId()}`);
          const known = calls.get(call.callId);
          const context = known?.context ?? (await callContextOf(agent, call));
          const events = callBarCallEvents(known?.call ?? null, call, self, context);
          calls.delete(call.callId);
          if (call.state !== 'ended') calls.set(call.callId, { call, context });
          // Maps keep insertion order: the first key is the call heard of longest ago.
          const oldest = calls.keys().next();
          if (calls.size > callBarCallsMax && oldest.done !== true) calls.delete(oldest.value);
          for (const { name, json } of events) emit(name, json as never);
        });
      }),
    );
    stops.push(
      agent.on('waiting', (message) => {
        for (const { queueId, waiting } of message.queues) {
          emit('queuenum', {
            type: 'queuenum',
            cmdtype: 1,
            autonum: 0,
            groupid: groupIdOf(queueId),
            num: waiting,
          });
        }
      }),
      agent.on('callbackClosed', (event) => {
        // A callback with a retry to come is not over: no endtask yet (R10).
        if (event.retryAtMs !== null) return;
        void tasks.run(async () => {
          emit('endtask', {
            type: 'endtask',
            cmdtype: 1,
            cmd: 'endtask',
            done: false,
            status: event.outcome === 'reached' ? 3 : 4,
            groupid: groupIdOf(event.queueId),
            companyid: await companyIdOf(agent),
            activity_id: 0,
          });
        });
      }),
    );
  }

  if (supervisor !== undefined) {
    // An agent and a supervisor on one call bar hear each announcement and memory-line change once.
    if (agent === undefined) listenToMemoryLine(supervisor);
    void tasks.run(async () => {
      const views = await allPages((page) => supervisor.queues(page)).catch(() => []);
      for (const view of views) waitingByQueue.set(view.id, view.status.waiting);
    });
    timer = setInterval(() => {
      for (const [queueId, num] of waitingByQueue) {
        const groupid = groupIdOf(queueId);
        emit('queuenum', { type: 'queuenum', cmdtype: 1, autonum: 0, groupid, num });
      }
    }, options.queueNumEveryMs ?? queueNumEveryMsDefault);

    const agentGroup = (
      type: AgentGroupEvent['type'],
      event: { agentId: AgentId; queueId: QueueId; atMs: number },
    ) => {
      if (!isMonitoring) return;
      void tasks.run(async () => {
        const view = await supervisor.agent(event.agentId).catch(() => undefined);
        if (view === undefined) return;
        const data: CallBarAgent = {
          agentKey: await agentKeyOf(supervisor, view.id),
          auto: false,
          busydescr: view.presence === 'notReady' ? (view.reason ?? '') : '',
          called: '',
          caller: '',
          companyId: await companyIdOf(supervisor),
          groupids: view.memberships.map((membership) => groupIdOf(membership.queueId)),
          name: view.name,
          nowgroupid: groupIdOf(event.queueId),
          operate_time: callBarTimeOf(event.atMs),
          operatorid: view.id,
          status: statusOf(view),
          taskgroupid: groupIdOf(event.queueId),
          worktype: 2,
        };
        emit(type, { type, cmdtype: 1, data: [data] });
      });
    };

    stops.push(
      supervisor.on('queueStatusChanged', ({ status }) => {
        const before = waitingByQueue.get(status.queueId);
        waitingByQueue.set(status.queueId, status.waiting);
        if (!isMonitoring || before === status.waiting) return;
        emit('monitorqueue', {
          type: 'monitorqueue',
          cmdtype: 1,
          data: queueNums([status.queueId]),
        });
        void tasks.run(() => announceCallers([status.queueId]));
      }),
      supervisor.on('queueDeleted', (event) => {
        waitingByQueue.delete(event.queueId);
      }),
      supervisor.on('agentJoinedQueue', (event) => {
        agentGroup('agentbegingroup', event);
      }),
      supervisor.on('agentLeftQueue', (event) => {
        agentGroup('agentstopgroup', event);
      }),
    );
  }

  return {
    addEventListener(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener);
    },
    removeEventListener(name, listener) {
      listeners.get(name)?.delete(listener);
    },
    monitoragent() {
      if (supervisor === undefined || isMonitoring) return;
      isMonitoring = true;
      // After the first read of the queues (queued before this): the whole picture once.
      void tasks.run(async () => {
        emit('monitorqueue', {
          type: 'monitorqueue',
          cmdtype: 1,
          data: queueNums(waitingByQueue.keys()),
        });
        await announceCallers([...waitingByQueue.keys()]);
      });
    },
    close() {
      isClosed = true;
      if (timer !== null) clearInterval(timer);
      timer = null;
      for (const stop of stops.splice(0)) stop();
    },
  };
}
