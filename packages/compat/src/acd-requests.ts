import {
  asContactId,
  asQueueId,
  type Attributes,
  type Channel,
  type ContactId,
  type EventMessage,
  type EventOf,
  type PlaceMessage,
} from '@lineup/protocol';
import { LineupError, type LineupCustomer, type Unsubscribe } from '@lineup/sdk';

/*
 * Voximplant-style ACD requests for server-side scripts in Node
 * (docs/compat.md, "Voximplant ACD requests"): `enqueueACDRequest(queue,
 * callerId, options)` answers a request object whose events carry the
 * document's names (Queued, Waiting with position and EWT in minutes,
 * OperatorReached, Offline), with getStatus() and cancel(). Each request is one
 * Lineup contact of the customer client given in the options; every fact
 * comes from the server (the join's answer, the contact's events, GET
 * /contacts/{id}), nothing is decided here.
 */

/** The events of an ACD request, by the names Voximplant scripts use (the first four are the document's). */
export const ACDEvents = {
  /** The request joined the queue. */
  Queued: 'Queued',
  /** The place in line and the expected wait: after getStatus(), and on every change with `isWaitingPushed`. */
  Waiting: 'Waiting',
  /** An agent took the request (for a callback: the agent now calls the customer). */
  OperatorReached: 'OperatorReached',
  /** The queue is offline (no agent serves it, R11) or closed (R16): the request never waited. */
  Offline: 'Offline',
  /** The queue is full: the request never waited (Voximplant's name; the document does not use it). */
  QueueFull: 'QueueFull',
  /** The server refused something, or the request timed out in the queue (R12). */
  Error: 'Error',
} as const;
/** The name of an ACD request's event. */
export type ACDEventName = (typeof ACDEvents)[keyof typeof ACDEvents];

/** Where an ACD request stands. */
export const ACDRequestStatus = {
  /** Sent, not answered yet. */
  joining: 'joining',
  /** Waiting in line with the caller on the line. */
  queued: 'queued',
  /** Waiting in line as a callback: the caller hung up and keeps the place (R10). */
  callback: 'callback',
  /** An agent holds it. */
  reached: 'reached',
  /** Turned away at the door (offline, closed or full). */
  refused: 'refused',
  /** Cancelled by the script. */
  cancelled: 'cancelled',
  /** Served, timed out, or gone otherwise. */
  ended: 'ended',
} as const;
/** Where an ACD request stands. */
export type ACDRequestStatus = (typeof ACDRequestStatus)[keyof typeof ACDRequestStatus];

/** What every event of a request carries. */
interface ACDEventBase {
  /** The event's name, e.g. `ACD.Waiting`. */
  name: `ACD.${ACDEventName}`;
  request: ACDRequest;
}

/** The payload of each event. */
export interface ACDEventPayloads {
  Queued: ACDEventBase;
  Waiting: ACDEventBase & {
    /** 1 = next to be served. */
    position: number;
    /** Expected wait in whole minutes, rounded down as Voximplant gives it ("less than ewt + 1 minutes"). */
    ewt: number;
    /** The same in milliseconds, as Lineup gives it; null when no agent works the queue. */
    ewtMs: number | null;
  };
  OperatorReached: ACDEventBase & {
    /** The agent's id. The document's `operatorCall` has no counterpart: see docs/compat.md. */
    operatorId: string;
    /** The agent's name, as the customer may see it. */
    operatorName: string | null;
    /** The whole wait, from joining, in milliseconds. */
    waitMs: number;
    /** Whether the caller had chosen a callback (or the request was created as one). */
    isCallback: boolean;
  };
  Offline: ACDEventBase & {
    reason: 'queueOffline' | 'queueClosed';
    /** What the queue says to the caller (its closed message, or Lineup's words). */
    message: string;
    /** Whether the queue asks the caller to leave a message instead. */
    isLeaveMessageOffered: boolean;
  };
  QueueFull: ACDEventBase & { message: string };
  Error: ACDEventBase & {
    /** Lineup's stable error code (docs/errors.md), or `timedOut` when the wait passed maxWait. */
    code: string;
    message: string;
  };
}

/** A listener of one event. */
export type ACDListener<K extends ACDEventName> = (event: ACDEventPayloads[K]) => void;

/** How an ACD request is made. */
export interface ACDRequestOptions {
  /** The Lineup customer client the request acts through (a token minted for this caller). */
  client: LineupCustomer;
  /** The contact's channel; default voice. A request created with `isCallback` is a callback. */
  channel?: Exclude<Channel, 'callback'>;
  /** The caller's name, as agents see it. */
  name?: string;
  /** The contact's priority score (R2). */
  priority?: number;
  /** Free-form data for the agent (Voximplant's customData). */
  customData?: Attributes;
  /**
   * Make a callback request with no live call ("call me back" from a web
   * form, Voximplant's StartScenarios case): an agent calls `callerId`.
   */
  isCallback?: boolean;
  /** Also emit Waiting whenever the server pushes a new place (R13), not only after getStatus(). */
  isWaitingPushed?: boolean;
}

/** What getStatus() learned. */
export interface ACDStatus {
  status: ACDRequestStatus;
  /** 1 = next; null when not in line. */
  position: number | null;
  ewtMs: number | null;
}

/** One ACD request: one Lineup contact of the client, with the document's events. */
export class ACDRequest {
  /** The Lineup contact id of the request. */
  readonly id: ContactId;
  /** The queue it joined. */
  readonly queue: string;
  /** The caller's number: what an agent calls back. */
  readonly callerId: string;
  #status: ACDRequestStatus;
  readonly #client: LineupCustomer;
  readonly #isWaitingPushed: boolean;
  readonly #listeners = new Map<ACDEventName, Set<(event: never) => void>>();
  readonly #unsubscribes: Unsubscribe[] = [];

  /** Not called directly: enqueueACDRequest and attachACDRequest make requests. */
  constructor(input: {
    id: ContactId;
    queue: string;
    callerId: string;
    status: ACDRequestStatus;
    client: LineupCustomer;
    isWaitingPushed: boolean;
  }) {
    this.id = input.id;
    this.queue = input.queue;
    this.callerId = input.callerId;
    this.#status = input.status;
    this.#client = input.client;
    this.#isWaitingPushed = input.isWaitingPushed;
    this.#listen();
  }

  /** Where the request stands now, as its events told. */
  get status(): ACDRequestStatus {
    return this.#status;
  }

  /** Calls `listener` on every `name` from now on (Voximplant's addEventListener). */
  addEventListener<K extends ACDEventName>(name: K, listener: ACDListener<K>): void {
    const set = this.#listeners.get(name) ?? new Set();
    set.add(listener);
    this.#listeners.set(name, set);
  }

  /** Stops a listener, or every listener of `name` when none is given. */
  removeEventListener<K extends ACDEventName>(name: K, listener?: ACDListener<K>): void {
    if (listener === undefined) this.#listeners.delete(name);
    else this.#listeners.get(name)?.delete(listener);
  }

  /**
   * Asks the server for the place in line and emits Waiting with it (while the
   * request waits). Bound, and it never rejects, so that a script may pass it
   * as it is to setInterval, as the document does; a failure is an Error event.
   */
  readonly getStatus = async (): Promise<ACDStatus> => {
    const waiting = this.#status === 'queued' || this.#status === 'callback';
    if (!waiting) return { status: this.#status, position: null, ewtMs: null };
    try {
      const view = await this.#client.contact(this.id);
      if (view.position !== null) this.#emitWaiting(view.position, view.ewtMs);
      return { status: this.#status, position: view.position, ewtMs: view.ewtMs };
    } catch (error: unknown) {
      this.#fail(error);
      return { status: this.#status, position: null, ewtMs: null };
    }
  };

  /**
   * The caller hangs up for a callback to `number` (default the caller id) and
   * keeps the place (R10). What the document's "#" key does.
   */
  readonly callback = async (number: string = this.callerId): Promise<void> => {
    try {
      await this.#client.convertToCallback(this.id, number);
      this.#status = ACDRequestStatus.callback;
    } catch (error: unknown) {
      this.#fail(error);
    }
  };

  /**
   * Takes the request out of the line (the caller hung up without a callback).
   * Bound and never rejecting, like getStatus; a request no longer waiting is
   * left as it is.
   */
  readonly cancel = async (): Promise<void> => {
    const waiting = this.#status === 'queued' || this.#status === 'callback';
    if (!waiting) return;
    try {
      await this.#client.leave(this.id);
      this.#finish(ACDRequestStatus.cancelled);
    } catch (error: unknown) {
      this.#fail(error);
    }
  };

  /** Hears the joining's outcome: Queued, or Offline / QueueFull (R11, R16). */
  joined(outcome: EventOf<'contactQueued'> | EventOf<'contactDeflected'>, isCallback: boolean) {
    if (outcome.type === 'contactQueued') {
      this.#status = isCallback ? ACDRequestStatus.callback : ACDRequestStatus.queued;
      this.#emit('Queued', { name: 'ACD.Queued', request: this });
      return;
    }
    this.#finish(ACDRequestStatus.refused);
    if (outcome.reason === 'queueFull') {
      this.#emit('QueueFull', { name: 'ACD.QueueFull', request: this, message: outcome.message });
      return;
    }
    this.#emit('Offline', {
      name: 'ACD.Offline',
      request: this,
      reason: outcome.reason,
      message: outcome.message,
      isLeaveMessageOffered: outcome.action === 'leaveMessage',
    });
  }

  /** A refusal or a failure of the connection, as an Error event. */
  #fail(error: unknown) {
    const code = error instanceof LineupError ? error.code : 'internal';
    const message = error instanceof Error ? error.message : String(error);
    this.#emit('Error', { name: 'ACD.Error', request: this, code, message });
  }

  /** Failed before it waited: the request is over. */
  refused(error: unknown) {
    this.#finish(ACDRequestStatus.refused);
    this.#fail(error);
  }

  #listen() {
    const client = this.#client;
    const mine = (event: { contactId: ContactId }) => event.contactId === this.id;
    this.#unsubscribes.push(
      client.on('contactAssigned', (event, message: EventMessage) => {
        if (!mine(event)) return;
        const isCallback = this.#status === 'callback';
        this.#status = ACDRequestStatus.reached;
        this.#emit('OperatorReached', {
          name: 'ACD.OperatorReached',
          request: this,
          operatorId: event.agentId,
          operatorName: message.agentName ?? null,
          waitMs: event.waitMs,
          isCallback,
        });
      }),
      client.on('contactConvertedToCallback', (event) => {
        if (mine(event)) this.#status = ACDRequestStatus.callback;
      }),
      client.on('contactTimedOut', (event) => {
        if (!mine(event)) return;
        this.#finish(ACDRequestStatus.ended);
        this.#emit('Error', {
          name: 'ACD.Error',
          request: this,
          code: 'timedOut',
          message: `The request waited the queue's longest wait (${event.waitMs} ms) and left it.`,
        });
      }),
      client.on('contactAbandoned', (event) => {
        if (mine(event)) this.#finish(ACDRequestStatus.cancelled);
      }),
      client.on('contactCompleted', (event) => {
        if (mine(event)) this.#finish(ACDRequestStatus.ended);
      }),
      client.on('callbackClosed', (event) => {
        if (mine(event) && event.retryAtMs === null) this.#finish(ACDRequestStatus.ended);
      }),
      client.on('place', (place: PlaceMessage) => {
        if (place.contactId !== this.id || !this.#isWaitingPushed || place.position === null)
          return;
        this.#emitWaiting(place.position, place.ewtMs);
      }),
    );
  }

  #emitWaiting(position: number, ewtMs: number | null) {
    this.#emit('Waiting', {
      name: 'ACD.Waiting',
      request: this,
      position,
      ewt: ewtMs === null ? 0 : Math.floor(ewtMs / 60_000),
      ewtMs,
    });
  }

  /** The request is over: it stops hearing the client. */
  #finish(status: ACDRequestStatus) {
    this.#status = status;
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
  }

  #emit<K extends ACDEventName>(name: K, event: ACDEventPayloads[K]) {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) {
      try {
        (listener as ACDListener<K>)(event);
      } catch (error: unknown) {
        // A script's throwing listener must not keep the others from hearing the event.
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }
}

/** A contact id for a new request: random, so that the events of it are heard from the start. */
function newContactId(): ContactId {
  return asContactId(`acd-${globalThis.crypto.randomUUID()}`);
}

/**
 * Puts a caller in a queue (Voximplant's `VoxEngine.enqueueACDRequest`). The
 * request object comes back at once; its Queued, or Offline / QueueFull,
 * follows once the server answered, so listeners added right after the call
 * hear it. With `isCallback` it is a callback request with no live call.
 */
export function enqueueACDRequest(
  queue: string,
  callerId: string,
  options: ACDRequestOptions,
): ACDRequest {
  const { client } = options;
  const isCallback = options.isCallback === true;
  const request = new ACDRequest({
    id: newContactId(),
    queue,
    callerId,
    status: ACDRequestStatus.joining,
    client,
    isWaitingPushed: options.isWaitingPushed === true,
  });
  const shared = {
    queueId: asQueueId(queue),
    contactId: request.id,
    ...(options.priority === undefined ? {} : { priority: options.priority }),
    ...(options.customData === undefined ? {} : { attributes: options.customData }),
  };
  const joining = isCallback
    ? client
        .requestCallback({
          ...shared,
          number: callerId,
          ...(options.name === undefined ? {} : { name: options.name }),
        })
        .then(({ events }) => {
          const outcome = events.find(
            (event): event is EventOf<'contactQueued'> | EventOf<'contactDeflected'> =>
              event.type === 'contactQueued' || event.type === 'contactDeflected',
          );
          if (outcome === undefined) throw new TypeError('A callback request answered no outcome.');
          return outcome;
        })
    : client.join({
        ...shared,
        channel: options.channel ?? 'voice',
        customer: {
          number: callerId,
          ...(options.name === undefined ? {} : { name: options.name }),
        },
      });
  joining.then(
    (outcome) => {
      request.joined(outcome, isCallback);
    },
    (error: unknown) => {
      request.refused(error);
    },
  );
  return request;
}

/**
 * Follows a request created elsewhere — a callback your back-end made with
 * `POST /v1/tenants/{tenantId}/callbacks` for this customer — with the same
 * events and methods; it is taken as waiting until its events say otherwise.
 */
export function attachACDRequest(
  contactId: string,
  options: Pick<ACDRequestOptions, 'client' | 'isWaitingPushed'> & {
    queue: string;
    callerId: string;
    isCallback?: boolean;
  },
): ACDRequest {
  return new ACDRequest({
    id: asContactId(contactId),
    queue: options.queue,
    callerId: options.callerId,
    status: options.isCallback === false ? ACDRequestStatus.queued : ACDRequestStatus.callback,
    client: options.client,
    isWaitingPushed: options.isWaitingPushed === true,
  });
}
