/*
 * The one registry of error codes (STYLE.md, Errors). Every refusal the engine
 * or the server returns carries one of these codes; each has its HTTP status,
 * whether retrying the same request can help, and a default message saying
 * what to do next. Codes are never renamed or reused: add new ones at the end.
 * docs/errors.md lists them all, and a test fails when the two disagree.
 */

/** How one error code behaves at the edge. */
export interface ErrorCodeSpec {
  /** HTTP status the server answers with. */
  readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 500 | 503;
  /** Whether the same request may succeed later without changes. */
  readonly isRetryable: boolean;
  /** Default human message: what went wrong and what to do next. */
  readonly message: string;
}

/** Every error code, with its status, retry advice and default message. */
export const errorCodes = {
  invalid_command: {
    status: 400,
    isRetryable: false,
    message: 'The request does not match its schema; fix the fields named in details.',
  },
  queue_not_found: {
    status: 404,
    isRetryable: false,
    message: 'No queue has this id; list the queues to find the right one.',
  },
  queue_exists: {
    status: 409,
    isRetryable: false,
    message: 'A queue with this id exists already; pick another id or update that queue.',
  },
  queue_not_empty: {
    status: 409,
    isRetryable: true,
    message: 'The queue still holds contacts; wait until they are served or move them first.',
  },
  queue_in_use: {
    status: 409,
    isRetryable: false,
    message: 'Another queue overflows into this one; change that overflow target first.',
  },
  queue_full: {
    status: 409,
    isRetryable: true,
    message:
      'The queue holds its maximum number of contacts; try again later or use another queue.',
  },
  invalid_queue_settings: {
    status: 422,
    isRetryable: false,
    message: 'The queue settings contradict each other; see the message for the field to fix.',
  },
  agent_not_found: {
    status: 404,
    isRetryable: false,
    message: 'No agent has this id; list the agents to find the right one.',
  },
  agent_exists: {
    status: 409,
    isRetryable: false,
    message: 'An agent with this id exists already; pick another id or update that agent.',
  },
  agent_logged_in: {
    status: 409,
    isRetryable: true,
    message: 'The agent is logged in; log it out first.',
  },
  agent_logged_out: {
    status: 409,
    isRetryable: false,
    message: 'The agent is logged out; log it in first.',
  },
  agent_busy: {
    status: 409,
    isRetryable: true,
    message: 'The agent holds contacts; complete or transfer them first, or force the log-out.',
  },
  agent_not_ready: {
    status: 409,
    isRetryable: true,
    message: 'The agent is not ready; set it ready first.',
  },
  agent_not_manual: {
    status: 409,
    isRetryable: false,
    message: 'Only agents in manual mode ask for the next contact; auto agents receive offers.',
  },
  agent_not_serving_queue: {
    status: 409,
    isRetryable: false,
    message: 'The agent does not serve this queue.',
  },
  agent_at_capacity: {
    status: 409,
    isRetryable: true,
    message: 'The agent holds as many contacts as its capacity allows; complete one first.',
  },
  contact_not_found: {
    status: 404,
    isRetryable: false,
    message: 'No live contact has this id; it may have ended already.',
  },
  contact_exists: {
    status: 409,
    isRetryable: false,
    message: 'A live contact with this id exists already; use a new id for a new request.',
  },
  contact_not_waiting: {
    status: 409,
    isRetryable: false,
    message: 'The contact is not waiting in a queue any more.',
  },
  contact_not_assigned: {
    status: 409,
    isRetryable: false,
    message: 'The contact is not assigned to this agent.',
  },
  channel_not_served: {
    status: 422,
    isRetryable: false,
    message: 'The queue does not take this channel; pick a queue that does.',
  },
  callbacks_not_allowed: {
    status: 422,
    isRetryable: false,
    message: "The queue does not take callbacks; enable them in the queue's callback settings.",
  },
  callback_number_required: {
    status: 422,
    isRetryable: false,
    message: 'A callback needs a phone number to call; give the customer number.',
  },
  not_a_callback: {
    status: 409,
    isRetryable: false,
    message: 'The contact is not a callback; complete it instead.',
  },
  offer_not_found: {
    status: 404,
    isRetryable: false,
    message: 'No offer has this id.',
  },
  offer_expired: {
    status: 410,
    isRetryable: false,
    message: 'The offer was withdrawn, timed out or answered already.',
  },
  offer_not_for_agent: {
    status: 403,
    isRetryable: false,
    message: 'The offer was made to another agent.',
  },
  no_contact_waiting: {
    status: 409,
    isRetryable: true,
    message: 'No contact the agent may take is waiting; ask again later.',
  },
  limit_reached: {
    status: 429,
    isRetryable: true,
    message: 'A limit of the contact center is reached; see details for which one.',
  },
  unauthorized: {
    status: 401,
    isRetryable: false,
    message: 'Sign in or send a valid token.',
  },
  forbidden: {
    status: 403,
    isRetryable: false,
    message: 'Your role may not do this.',
  },
  not_found: {
    status: 404,
    isRetryable: false,
    message: 'Nothing lives at this address; check the path.',
  },
  payload_too_large: {
    status: 413,
    isRetryable: false,
    message: 'The request body is larger than allowed; send less.',
  },
  rate_limited: {
    status: 429,
    isRetryable: true,
    message: 'Too many requests; slow down and retry after the delay given.',
  },
  unavailable: {
    status: 503,
    isRetryable: true,
    message: 'The server is starting or stopping; retry in a moment.',
  },
  internal: {
    status: 500,
    isRetryable: true,
    message:
      'Something went wrong on our side; it has been logged. Retry, and report it if it persists.',
  },
  tenant_not_found: {
    status: 404,
    isRetryable: false,
    message: 'No tenant has this id; create it first.',
  },
  tenant_exists: {
    status: 409,
    isRetryable: false,
    message: 'A tenant with this id exists already; pick another id.',
  },
  api_key_not_found: {
    status: 404,
    isRetryable: false,
    message: 'The tenant has no live API key with this id; list its keys to find the right one.',
  },
  webhook_not_found: {
    status: 404,
    isRetryable: false,
    message: 'The tenant has no webhook with this id; list its webhooks to find the right one.',
  },
  delivery_not_found: {
    status: 404,
    isRetryable: false,
    message: "The webhook has no delivery with this id; list the webhook's deliveries to find it.",
  },
  delivery_not_failed: {
    status: 409,
    isRetryable: false,
    message: 'Only a failed delivery can be replayed; this one is pending or delivered already.',
  },
  message_not_found: {
    status: 404,
    isRetryable: false,
    message: "The tenant has no message with this id; list the queue's messages to find it.",
  },
  contact_not_ended: {
    status: 409,
    isRetryable: true,
    message: 'The contact has not ended with an answer; rate it once an agent has completed it.',
  },
  rating_exists: {
    status: 409,
    isRetryable: false,
    message: 'The contact has been rated already; a contact takes one rating.',
  },
  rating_not_found: {
    status: 404,
    isRetryable: false,
    message: 'The contact has no rating; rate it first.',
  },
  call_not_found: {
    status: 404,
    isRetryable: false,
    message: 'No live call has this id; it may have ended already.',
  },
  not_in_call: {
    status: 403,
    isRetryable: false,
    message: 'You are not a party of this call; only its parties may act on it.',
  },
  media_not_allowed: {
    status: 403,
    isRetryable: false,
    message: 'These two parties may not exchange media; docs/calls.md lists the allowed pairs.',
  },
  call_not_ringing: {
    status: 409,
    isRetryable: false,
    message: 'The call does not ring for you any more; it was answered, declined or ended.',
  },
  call_not_active: {
    status: 409,
    isRetryable: false,
    message: 'The call is not active; answer or resume it first.',
  },
  party_in_call: {
    status: 409,
    isRetryable: true,
    message: 'The person called is in another call; try again when that call ends.',
  },
  customer_not_connected: {
    status: 409,
    isRetryable: true,
    message: 'The customer is not connected; call when its widget is open.',
  },
  agent_not_connected: {
    status: 409,
    isRetryable: true,
    message: 'The agent called is not connected; pick an agent who is online.',
  },
  consult_in_progress: {
    status: 409,
    isRetryable: false,
    message: 'An attended transfer is in progress on this call; complete or cancel it first.',
  },
  no_consult: {
    status: 409,
    isRetryable: false,
    message: 'No attended transfer is in progress on this call; start a consult first.',
  },
  recording_not_found: {
    status: 404,
    isRetryable: false,
    message: "The call has no recording with this id; list the contact's calls to find it.",
  },
  recording_finished: {
    status: 409,
    isRetryable: false,
    message: 'The recording is finished already; start a new one to record more.',
  },
  chunk_out_of_order: {
    status: 409,
    isRetryable: false,
    message: 'Recording chunks go in order from 0; send the chunk details name next.',
  },
} as const satisfies Record<string, ErrorCodeSpec>;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof errorCodes;

/** Every error code, in registry order. */
export const errorCodeList = Object.keys(errorCodes) as ErrorCode[];

/** A refused command: a stable code, a message for people, and optional details. Nothing changed. */
export interface Rejection {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Builds a rejection, defaulting the message to the registry's. */
export function rejection(
  code: ErrorCode,
  message?: string,
  details?: Readonly<Record<string, unknown>>,
): Rejection {
  const text = message ?? errorCodes[code].message;
  return details === undefined ? { code, message: text } : { code, message: text, details };
}
