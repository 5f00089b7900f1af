import {
  asQueueId,
  type Channel,
  type ContactId,
  type EventOf,
  type OfferId,
  type QueueId,
  type WaitingMessage,
} from '@lineup/protocol';
import {
  LineupError,
  eventOf,
  type AgentView,
  type ConnectionChange,
  type LineupAgent,
  type LineupCustomer,
  type QueueView,
} from '@lineup/sdk';
import { SerialTasks, allPages, callSafely } from './callbacks.ts';
import { sdkErrNone, sdkErrOf, sdkErrOfFailure } from './sdk-err.ts';

/*
 * CloudRoom's queue module (seed documents 000 and 001; docs/compat.md,
 * CloudRoom queue API) over Lineup's SDK: the same CRVideo_* functions with
 * the same arguments, and the same `.callback` slots for their results and
 * notifications, so a page written for CloudRoom keeps its code and changes
 * only how it connects. A customer's page gives a LineupCustomer, an agent's
 * a LineupAgent; a function of the other role answers `forbidden`.
 *
 * It translates and never decides: every answer comes from the server (an
 * event, a reply, a read). Two things differ from CloudRoom, both because
 * Lineup's model is the one truth (DESIGN.md §1):
 * - Which queues an agent may serve, and at what priority, are assigned by
 *   an administrator (ADR 0017); the agent starts and stops serving each.
 *   StartService serves one assigned queue (logging the agent in when it is
 *   logged out, serving only that queue) and StopService stops that queue
 *   only; GetServingQueues always says what the agent serves now.
 * - Customers may not read how many agents work a queue (api.md), so a
 *   customer's CRVideo_QueStatus has null `agent_num` and `srv_num`.
 */

/** A cookie: whatever the page passed, given back to its callback untouched. */
export type Cookie = unknown;

/** A callback slot: the page assigns `.callback`, the module calls it (CloudRoom's CbProxy). */
export interface CallbackSlot<A extends unknown[]> {
  callback: ((...args: A) => void) | null;
}

/** CRVideo_QueueInfo: a queue as GetAllQueueInfo lists it. */
export interface CRVideoQueueInfo {
  queID: string;
  name: string;
  desc: string;
  /** Smaller is served first: the negated Lineup queue priority (0 for customers, who cannot read it). */
  prio: number;
}

/** CRVideo_QueStatus: a queue's live status. */
export interface CRVideoQueStatus {
  queID: string;
  /** Agents logged in to the queue; null for customers. */
  agent_num: number | null;
  /** Customers waiting. */
  wait_num: number;
  /** Agents holding a customer of the queue; null for customers. */
  srv_num: number | null;
}

/** CRVideo_QueuingInfo: the waiting customer's own place. */
export interface CRVideoQueuingInfo {
  queID: string;
  /** 1 = next; 0 once the customer is no longer in the line. */
  position: number;
  /** Seconds since the customer started queuing. */
  queuingTime: number;
}

/** CRVideo_QueUser: a customer assigned (or offered) to the agent. */
export interface CRVideoQueUser {
  queID: string;
  /** The customer's id. */
  usrID: string;
  /** The same id: the documents' example reads `userID` as well as `usrID`. */
  userID: string;
  nickname: string;
  /** Seconds the customer had waited. */
  queuingTime: number;
  usrExtDat: string;
  /** Lineup's contact id, for Lineup's own calls (chat, completing the contact). */
  contactId: string;
}

/** How the module is created: one client, of the role of the page. */
export interface CloudRoomQueueOptions {
  /** An agent's page: its Lineup connection. */
  agent?: LineupAgent;
  /** A customer's page: its Lineup connection. */
  customer?: LineupCustomer;
  /** The channel a customer queues for; default `video` (CloudRoom is a video-call SDK). */
  channel?: Channel;
  /** How agents see the customer: its name (CloudRoom's nickname) and number. */
  profile?: { name?: string; number?: string };
  /** The clock for `queuingTime`; default `Date.now`. */
  nowMs?: () => number;
}

/** The CRVideo_* functions and callback slots of CloudRoom's queue module. */
export interface CloudRoomQueue {
  CRVideo_InitQueueDat(cookie?: Cookie): void;
  CRVideo_InitQueueDatRslt: CallbackSlot<[sdkErr: number, cookie: Cookie]>;
  CRVideo_GetAllQueueInfo(): CRVideoQueueInfo[];
  CRVideo_StartService(queID: string, cookie?: Cookie): void;
  CRVideo_StartServiceRslt: CallbackSlot<[queID: string, sdkErr: number, cookie: Cookie]>;
  CRVideo_StopService(queID: string, cookie?: Cookie): void;
  CRVideo_StopServiceRslt: CallbackSlot<[queID: string, sdkErr: number, cookie: Cookie]>;
  CRVideo_GetServingQueues(): string[];
  CRVideo_StartQueuing(queID: string, cookie?: Cookie): void;
  CRVideo_StartQueuingRslt: CallbackSlot<[sdkErr: number, cookie: Cookie]>;
  CRVideo_StopQueuing(cookie?: Cookie): void;
  CRVideo_StopQueuingRslt: CallbackSlot<[sdkErr: number, cookie: Cookie]>;
  CRVideo_QueueStatusChanged: CallbackSlot<[queStatus: CRVideoQueStatus]>;
  CRVideo_QueuingInfoChanged: CallbackSlot<[queuingInfo: CRVideoQueuingInfo]>;
  CRVideo_AutoAssignUser: CallbackSlot<[queUser: CRVideoQueUser]>;
  CRVideo_AcceptAssignUser(queID: string, usrID: string, cookie?: Cookie): void;
  CRVideo_RejectAssignUser(queID: string, usrID: string, cookie?: Cookie): void;
  CRVideo_ResponseAssignUserRslt: CallbackSlot<[sdkErr: number, cookie: Cookie]>;
  CRVideo_CancelAssignUser: CallbackSlot<[queID: string, usrID: string]>;
  CRVideo_SetDNDStatus(DNDStatus: number, cookie?: Cookie): void;
  CRVideo_SetDNDStatusSuccess: CallbackSlot<[cookie: Cookie]>;
  CRVideo_SetDNDStatusFail: CallbackSlot<[sdkErr: number, cookie: Cookie]>;
  CRVideo_ReqAssignUser(cookie?: Cookie): void;
  CRVideo_ReqAssignUserRslt: CallbackSlot<
    [sdkErr: number, user: CRVideoQueUser | null, cookie: Cookie]
  >;
  /** Lineup's addition: stops listening to the client (the client itself stays open). */
  close(): void;
}

/** The names `installCloudRoomQueue` puts on the page's global object. */
type CRVideoName = Extract<keyof CloudRoomQueue, `CRVideo_${string}`>;

/** Events after which the customer no longer waits: taken by an agent, or gone. */
const customerLeavingEvents: ReadonlySet<string> = new Set([
  'contactAssigned',
  'contactAbandoned',
  'contactTimedOut',
]);

const slot = <A extends unknown[]>(): CallbackSlot<A> => ({ callback: null });

/** The pending offer of an agent (R5: one at a time), as CloudRoom names it. */
interface PendingOffer {
  offerId: OfferId;
  contactId: ContactId;
  queID: string;
  usrID: string | null;
}

/** Creates CloudRoom's queue module over a LineupAgent or a LineupCustomer. */
export function createCloudRoomQueue(options: CloudRoomQueueOptions): CloudRoomQueue {
  const { agent, customer } = options;
  const nowMs = options.nowMs ?? (() => Date.now());
  const channel = options.channel ?? 'video';
  const tasks = new SerialTasks();
  const stops: (() => void)[] = [];
  let queueInfos: CRVideoQueueInfo[] = [];
  /** The agent's memberships and whether it is logged in, kept from its events. */
  let memberQueueIds: QueueId[] = [];
  let isLoggedIn = false;
  /** The last waiting count heard per queue, so a status is read only when it changed. */
  const waitingByQueue = new Map<QueueId, number>();
  let offer: PendingOffer | null = null;
  /** The customer's waiting contact. */
  let queuing: { contactId: ContactId; queueId: QueueId; joinedAtMs: number } | null = null;

  let isClosed = false;
  /** Calls a callback of the page, unless the module was closed while a read was under way. */
  const tell = <A extends unknown[]>(target: CallbackSlot<A>, ...args: A): void => {
    if (!isClosed) callSafely(target.callback, ...args);
  };

  const secondsSince = (atMs: number) => Math.max(0, Math.floor((nowMs() - atMs) / 1_000));
  const forbidden = sdkErrOf('forbidden');

  const statusOfView = (view: QueueView): CRVideoQueStatus => ({
    queID: view.id,
    agent_num: view.status.agents.serving,
    wait_num: view.status.waiting,
    srv_num: view.status.agents.busy,
  });

  /**
   * Tells the page a queue's status, read from the server. A notification
   * with no request behind it has nowhere to report a failed read, so a
   * status that cannot be read (the connection closed) is not announced.
   */
  const announceStatus = async (queueId: QueueId): Promise<void> => {
    try {
      await readAndAnnounceStatus(queueId);
    } catch {
      // Nothing to tell: the next change or the periodic count announces it again.
    }
  };

  const readAndAnnounceStatus = async (queueId: QueueId): Promise<void> => {
    if (agent !== undefined) {
      const view = await agent.queue(queueId);
      waitingByQueue.set(queueId, view.status.waiting);
      tell(queue.CRVideo_QueueStatusChanged, statusOfView(view));
      return;
    }
    if (customer === undefined) return;
    const statuses = await allPages((page) => customer.queueStatuses(page));
    const status = statuses.find((item) => item.queueId === queueId);
    if (status === undefined) return;
    tell(queue.CRVideo_QueueStatusChanged, {
      queID: status.queueId,
      agent_num: null,
      wait_num: status.waiting,
      srv_num: null,
    });
  };

  /** The CloudRoom view of a contact the agent was offered or given, read from the server. */
  const queUserOf = async (contactId: ContactId, queueId: QueueId): Promise<CRVideoQueUser> => {
    if (agent === undefined) throw new TypeError('Only an agent reads the customers it serves.');
    const contact = await agent.contact(contactId);
    const extra = contact.attributes.usrExtDat;
    return {
      queID: queueId,
      usrID: contact.customer.id,
      userID: contact.customer.id,
      nickname: contact.customer.name ?? contact.customer.id,
      queuingTime: secondsSince(contact.joinedAtMs),
      usrExtDat: typeof extra === 'string' ? extra : '',
      contactId,
    };
  };

  const offered = async (
    event: Pick<EventOf<'offerCreated'>, 'offerId' | 'contactId' | 'queueId'>,
  ): Promise<void> => {
    offer = {
      offerId: event.offerId,
      contactId: event.contactId,
      queID: event.queueId,
      usrID: null,
    };
    let user: CRVideoQueUser;
    try {
      user = await queUserOf(event.contactId, event.queueId);
    } catch {
      // The contact ended before it could be read: its cancellation follows.
      return;
    }
    // Withdrawn while it was read: the page never hears of it.
    const current = pendingOffer();
    if (current?.offerId !== event.offerId) return;
    current.usrID = user.usrID;
    tell(queue.CRVideo_AutoAssignUser, user);
  };

  /** The pending offer now (read through a function: it changes while a read is awaited). */
  const pendingOffer = (): PendingOffer | null => offer;

  const withdrawn = (offerId: OfferId): void => {
    const withdrawnOffer = offer;
    if (withdrawnOffer?.offerId !== offerId) return;
    offer = null;
    // An offer the page never heard of needs no cancelling.
    if (withdrawnOffer.usrID === null) return;
    tell(queue.CRVideo_CancelAssignUser, withdrawnOffer.queID, withdrawnOffer.usrID);
  };

  const waitingChanged = (message: WaitingMessage): void => {
    for (const { queueId, waiting } of message.queues) {
      if (waitingByQueue.get(queueId) === waiting) continue;
      waitingByQueue.set(queueId, waiting);
      void tasks.run(() => announceStatus(queueId));
    }
  };

  /** Answers to the offer the page names by queue and customer. */
  const answerOffer = (queID: string, usrID: string, cookie: Cookie, isAccept: boolean): void => {
    void tasks.run(async () => {
      const current = offer;
      if (agent === undefined) {
        tell(queue.CRVideo_ResponseAssignUserRslt, forbidden, cookie);
        return;
      }
      if (current === null || current.queID !== queID || current.usrID !== usrID) {
        tell(queue.CRVideo_ResponseAssignUserRslt, sdkErrOf('offer_not_found'), cookie);
        return;
      }
      try {
        if (isAccept) await agent.acceptOffer(current.offerId);
        else await agent.rejectOffer(current.offerId);
        if (offer?.offerId === current.offerId) offer = null;
        tell(queue.CRVideo_ResponseAssignUserRslt, sdkErrNone, cookie);
      } catch (error: unknown) {
        tell(queue.CRVideo_ResponseAssignUserRslt, sdkErrOfFailure(error), cookie);
      }
    });
  };

  /** Keeps what GetServingQueues tells from an agent view the server answered. */
  const keepAgentView = (view: AgentView): void => {
    memberQueueIds = view.memberships.map((membership) => membership.queueId);
    isLoggedIn = view.presence !== 'offline';
  };

  /** Reads the agent's memberships and presence: the truth GetServingQueues tells. */
  const readAgent = async (): Promise<void> => {
    if (agent === undefined) return;
    keepAgentView(await agent.agent());
  };

  /**
   * StartService: serves the assigned queue (the server answers
   * `queue_not_assigned` for any other). A logged-out agent serves nothing in
   * CloudRoom's terms, so before it logs in it stops serving the queues it
   * did not start (they stay assigned): once logged in it serves exactly the
   * queues started, and no customer of another queue is offered in between.
   */
  const startService = async (lineupAgent: LineupAgent, queueId: QueueId): Promise<void> => {
    let view = await lineupAgent.startServing(queueId);
    keepAgentView(view);
    if (isLoggedIn) return;
    for (const otherQueueId of memberQueueIds.filter((id) => id !== queueId)) {
      view = await lineupAgent.stopServing(otherQueueId);
    }
    keepAgentView(view);
    await lineupAgent.logIn();
    isLoggedIn = true;
  };

  /**
   * StopService: stops serving that queue only; the agent serves its other
   * queues on, and stays logged in. A queue it does not serve now is stopped
   * already (success) when it is assigned, else `queue_not_assigned`.
   */
  const stopService = async (lineupAgent: LineupAgent, queueId: QueueId): Promise<number> => {
    try {
      keepAgentView(await lineupAgent.stopServing(queueId));
      return sdkErrNone;
    } catch (error: unknown) {
      if (!(error instanceof LineupError) || error.code !== 'agent_not_serving_queue') throw error;
    }
    const assignments = await lineupAgent.assignments();
    const isAssigned = assignments.some((assignment) => assignment.queueId === queueId);
    return isAssigned ? sdkErrNone : sdkErrOf('queue_not_assigned');
  };

  /** Starts or stops serving one queue, as the module's header says. */
  const changeServing = (queID: string, cookie: Cookie, isStart: boolean): void => {
    const result = isStart ? queue.CRVideo_StartServiceRslt : queue.CRVideo_StopServiceRslt;
    void tasks.run(async () => {
      if (agent === undefined) {
        tell(result, queID, forbidden, cookie);
        return;
      }
      const queueId = asQueueId(queID);
      let sdkErr = sdkErrNone;
      try {
        if (isStart) await startService(agent, queueId);
        else sdkErr = await stopService(agent, queueId);
      } catch (error: unknown) {
        sdkErr = sdkErrOfFailure(error);
      }
      tell(result, queID, sdkErr, cookie);
      if (sdkErr === sdkErrNone) await announceStatus(queueId);
    });
  };

  /**
   * After a gap (the socket stayed away past the server's grace period, or the
   * server restarted: events were lost), reads the state again. An agent
   * learns its memberships and presence (a forced log-out), an offer
   * withdrawn meanwhile is cancelled to the page and one made meanwhile is
   * assigned, and its queues' statuses are told again. A customer whose
   * contact left the line meanwhile is queuing no more.
   */
  const catchUp = async (): Promise<void> => {
    if (agent !== undefined) {
      const view = await agent.agent();
      keepAgentView(view);
      const pending = offer;
      if (pending !== null && view.offer?.offerId !== pending.offerId) withdrawn(pending.offerId);
      if (view.offer !== null && offer === null) await offered(view.offer);
      for (const queueId of memberQueueIds) await announceStatus(queueId);
    }
    if (customer !== undefined && queuing !== null) {
      const waiting = queuing;
      const contact = await customer.contact(waiting.contactId).catch(() => null);
      if (queuing !== waiting) return;
      if (contact === null || contact.status !== 'queued') queuing = null;
    }
  };
  const onConnection = (change: ConnectionChange): void => {
    if (change.state !== 'open' || !change.welcome.isGap) return;
    // Nothing to tell when the state cannot be read: the next change tells it.
    void tasks.run(() => catchUp().catch(() => undefined));
  };
  if (agent !== undefined) stops.push(agent.on('connection', onConnection));
  else if (customer !== undefined) stops.push(customer.on('connection', onConnection));

  if (agent !== undefined) {
    stops.push(
      agent.on('offerCreated', (event) => void tasks.run(() => offered(event))),
      agent.on('offerCancelled', (event) => {
        void tasks.run(() => {
          withdrawn(event.offerId);
        });
      }),
      agent.on('offerTimedOut', (event) => {
        void tasks.run(() => {
          withdrawn(event.offerId);
        });
      }),
      agent.on('waiting', waitingChanged),
      agent.on('agentStateChanged', (event) => {
        isLoggedIn = event.presence !== 'offline';
      }),
      agent.on('agentJoinedQueue', (event) => {
        if (!memberQueueIds.includes(event.queueId)) memberQueueIds.push(event.queueId);
      }),
      agent.on('agentLeftQueue', (event) => {
        memberQueueIds = memberQueueIds.filter((queueId) => queueId !== event.queueId);
      }),
    );
  }
  if (customer !== undefined) {
    stops.push(
      customer.on('place', (message) => {
        if (queuing?.contactId !== message.contactId) return;
        tell(queue.CRVideo_QueuingInfoChanged, {
          queID: message.queueId,
          position: message.position ?? 0,
          queuingTime: secondsSince(queuing.joinedAtMs),
        });
      }),
      // The customer stops waiting when an agent takes it or it leaves otherwise.
      customer.on('event', ({ event }) => {
        if (!customerLeavingEvents.has(event.type) || !('contactId' in event)) return;
        if (queuing?.contactId === event.contactId) queuing = null;
      }),
    );
  }

  const queue: CloudRoomQueue = {
    CRVideo_InitQueueDat(cookie) {
      void tasks.run(async () => {
        try {
          if (agent !== undefined) {
            const views = await allPages((page) => agent.queues(page));
            queueInfos = views.map((view) => ({
              queID: view.id,
              name: view.name,
              desc: '',
              prio: -view.priority,
            }));
            await readAgent();
          } else if (customer !== undefined) {
            const statuses = await allPages((page) => customer.queueStatuses(page));
            queueInfos = statuses.map((status) => ({
              queID: status.queueId,
              name: status.name,
              desc: '',
              prio: 0,
            }));
          } else {
            tell(queue.CRVideo_InitQueueDatRslt, forbidden, cookie);
            return;
          }
        } catch (error: unknown) {
          tell(queue.CRVideo_InitQueueDatRslt, sdkErrOfFailure(error), cookie);
          return;
        }
        tell(queue.CRVideo_InitQueueDatRslt, sdkErrNone, cookie);
      });
    },
    CRVideo_InitQueueDatRslt: slot(),
    CRVideo_GetAllQueueInfo() {
      return queueInfos.map((info) => ({ ...info }));
    },
    CRVideo_StartService(queID, cookie) {
      changeServing(queID, cookie, true);
    },
    CRVideo_StartServiceRslt: slot(),
    CRVideo_StopService(queID, cookie) {
      changeServing(queID, cookie, false);
    },
    CRVideo_StopServiceRslt: slot(),
    CRVideo_GetServingQueues() {
      return isLoggedIn ? [...memberQueueIds] : [];
    },
    CRVideo_StartQueuing(queID, cookie) {
      void tasks.run(async () => {
        if (customer === undefined) {
          tell(queue.CRVideo_StartQueuingRslt, forbidden, cookie);
          return;
        }
        const queueId = asQueueId(queID);
        let joined: Awaited<ReturnType<LineupCustomer['join']>>;
        try {
          joined = await customer.join({
            queueId,
            channel,
            ...(options.profile === undefined ? {} : { customer: options.profile }),
          });
        } catch (error: unknown) {
          tell(queue.CRVideo_StartQueuingRslt, sdkErrOfFailure(error), cookie);
          return;
        }
        if (joined.type === 'contactDeflected') {
          // Offline, closed or full: CloudRoom has no "turned away", so it is a failure with its reason.
          const code = joined.reason === 'queueFull' ? 'queue_full' : 'unavailable';
          tell(queue.CRVideo_StartQueuingRslt, sdkErrOf(code), cookie);
          return;
        }
        queuing = {
          contactId: joined.contact.id,
          queueId,
          joinedAtMs: joined.contact.joinedAtMs,
        };
        tell(queue.CRVideo_StartQueuingRslt, sdkErrNone, cookie);
        await announceStatus(queueId);
        tell(queue.CRVideo_QueuingInfoChanged, {
          queID,
          position: joined.position ?? 0,
          queuingTime: secondsSince(joined.contact.joinedAtMs),
        });
      });
    },
    CRVideo_StartQueuingRslt: slot(),
    CRVideo_StopQueuing(cookie) {
      void tasks.run(async () => {
        const current = queuing;
        if (customer === undefined || current === null) {
          const code = customer === undefined ? 'forbidden' : 'contact_not_waiting';
          tell(queue.CRVideo_StopQueuingRslt, sdkErrOf(code), cookie);
          return;
        }
        try {
          await customer.leave(current.contactId);
        } catch (error: unknown) {
          tell(queue.CRVideo_StopQueuingRslt, sdkErrOfFailure(error), cookie);
          return;
        }
        queuing = null;
        tell(queue.CRVideo_StopQueuingRslt, sdkErrNone, cookie);
        await announceStatus(current.queueId);
      });
    },
    CRVideo_StopQueuingRslt: slot(),
    CRVideo_QueueStatusChanged: slot(),
    CRVideo_QueuingInfoChanged: slot(),
    CRVideo_AutoAssignUser: slot(),
    CRVideo_AcceptAssignUser(queID, usrID, cookie) {
      answerOffer(queID, usrID, cookie, true);
    },
    CRVideo_RejectAssignUser(queID, usrID, cookie) {
      answerOffer(queID, usrID, cookie, false);
    },
    CRVideo_ResponseAssignUserRslt: slot(),
    CRVideo_CancelAssignUser: slot(),
    CRVideo_SetDNDStatus(DNDStatus, cookie) {
      void tasks.run(async () => {
        if (agent === undefined) {
          tell(queue.CRVideo_SetDNDStatusFail, forbidden, cookie);
          return;
        }
        try {
          // Do-not-disturb is Lineup's manual mode: no offers, the agent asks (R7).
          await agent.setMode(DNDStatus === 0 ? 'auto' : 'manual');
        } catch (error: unknown) {
          tell(queue.CRVideo_SetDNDStatusFail, sdkErrOfFailure(error), cookie);
          return;
        }
        tell(queue.CRVideo_SetDNDStatusSuccess, cookie);
      });
    },
    CRVideo_SetDNDStatusSuccess: slot(),
    CRVideo_SetDNDStatusFail: slot(),
    CRVideo_ReqAssignUser(cookie) {
      void tasks.run(async () => {
        if (agent === undefined) {
          tell(queue.CRVideo_ReqAssignUserRslt, forbidden, null, cookie);
          return;
        }
        let user: CRVideoQueUser;
        try {
          const { events } = await agent.requestNext();
          const assigned = eventOf(events, 'contactAssigned');
          if (assigned === undefined) throw new TypeError('requestNext assigned nothing.');
          user = await queUserOf(assigned.contactId, assigned.queueId);
        } catch (error: unknown) {
          tell(queue.CRVideo_ReqAssignUserRslt, sdkErrOfFailure(error), null, cookie);
          return;
        }
        tell(queue.CRVideo_ReqAssignUserRslt, sdkErrNone, user, cookie);
      });
    },
    CRVideo_ReqAssignUserRslt: slot(),
    close() {
      isClosed = true;
      for (const stop of stops.splice(0)) stop();
    },
  };
  return queue;
}

/**
 * Puts every CRVideo_* function and callback slot of the module on the page's
 * global object (default `globalThis`), where code written for CloudRoom
 * looks for them, e.g. `CRVideo_InitQueueDatRslt.callback = function (sdkErr, cookie) {…}`.
 */
export function installCloudRoomQueue(queue: CloudRoomQueue, target: object = globalThis): void {
  const names = Object.keys(queue).filter((name): name is CRVideoName =>
    name.startsWith('CRVideo_'),
  );
  for (const name of names) Reflect.set(target, name, Reflect.get(queue, name));
}
