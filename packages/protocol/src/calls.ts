import { Type, type Static } from 'typebox';
import {
  AgentIdSchema,
  ContactIdSchema,
  QueueIdSchema,
  type Brand,
  type ContactId,
} from './ids.ts';
import { answerGreetingLengthMax } from './limits.ts';
import { closedSet } from './schema-kit.ts';

/*
 * Voice and video calls (docs/calls.md). Media goes browser to browser over
 * WebRTC; Lineup carries the signalling on its socket and keeps each call's
 * states and log beside the engine, the way it keeps chat: the engine only
 * knows the contact the call belongs to. Every request below is a socket
 * message with an `id`, answered by one `reply`; every change of a call is
 * pushed as a `call` message to its parties and to the tenant's supervisors.
 */

/** Id of a call, minted by the server (`call_…`). */
export type CallId = Brand<string, 'CallId'>;
/** Brands a call id. */
export const asCallId = (id: string): CallId => id as CallId;
/** Schema of a call id. */
export const CallIdSchema = Type.Unsafe<CallId>(
  Type.String({ minLength: 1, maxLength: 64, pattern: '^call_[A-Za-z0-9_-]+$' }),
);

/**
 * Who takes part in a call: the socket role and the person, as
 * `agent:<agentId>`, `customer:<contactId>` or `supervisor:<subject>`.
 */
export type PartyId = Brand<string, 'PartyId'>;
/** Brands a party id. */
export const asPartyId = (id: string): PartyId => id as PartyId;
/** Schema of a party id. */
export const PartyIdSchema = Type.Unsafe<PartyId>(
  Type.String({
    minLength: 1,
    maxLength: 160,
    pattern: '^(agent|customer|supervisor):[A-Za-z0-9][A-Za-z0-9._:@-]*$',
  }),
);

/** What a call carries. */
export const CallMedia = { audio: 'audio', video: 'video' } as const;
/** What a call carries. */
export type CallMedia = (typeof CallMedia)[keyof typeof CallMedia];

/** Who called whom: the agent a customer (`inbound` or `outbound` contact), or an agent another. */
export const CallDirection = {
  /** The agent calls the customer of a contact that came in (voice, video, chat). */
  inbound: 'inbound',
  /** The agent calls the customer of a callback. */
  outbound: 'outbound',
  /** Agent to agent: an internal call or an attended transfer's consult. */
  internal: 'internal',
} as const;
/** Who called whom. */
export type CallDirection = (typeof CallDirection)[keyof typeof CallDirection];

/** Where a call stands. */
export const CallState = {
  ringing: 'ringing',
  active: 'active',
  /** The customer is on hold (hears hold music); the agent's media to it stops. */
  held: 'held',
  ended: 'ended',
} as const;
/** Where a call stands. */
export type CallState = (typeof CallState)[keyof typeof CallState];

/** Why a call ended. */
export const CallEndReason = {
  hangup: 'hangup',
  /** The callee declined while it rang. */
  rejected: 'rejected',
  /** Nobody answered within the ring time. */
  noAnswer: 'noAnswer',
  /** A blind or attended transfer moved the contact on; the call ended for this agent. */
  transferred: 'transferred',
  /** Media could not be set up, or the contact ended under the call. */
  failed: 'failed',
  /** A party's socket went away past the resume grace. */
  disconnected: 'disconnected',
} as const;
/** Why a call ended. */
export type CallEndReason = (typeof CallEndReason)[keyof typeof CallEndReason];

/** The reasons a party may give when it hangs up; the server sets the others. */
export const HangupReason = {
  hangup: 'hangup',
  rejected: 'rejected',
  failed: 'failed',
} as const;
/** The reasons a party may give when it hangs up. */
export type HangupReason = (typeof HangupReason)[keyof typeof HangupReason];

/** The role a party plays. */
export const PartyRole = {
  customer: 'customer',
  agent: 'agent',
  supervisor: 'supervisor',
} as const;
/** The role a party plays. */
export type PartyRole = (typeof PartyRole)[keyof typeof PartyRole];

/** Where a party stands in the call. */
export const PartyState = { ringing: 'ringing', joined: 'joined', left: 'left' } as const;
/** Where a party stands in the call. */
export type PartyState = (typeof PartyState)[keyof typeof PartyState];

/** How a supervisor takes part in a call. */
export const MonitorMode = {
  /** Hears both sides; nobody hears it. */
  listen: 'listen',
  /** Hears both sides; only the agent hears it. */
  whisper: 'whisper',
  /** Hears both sides and both hear it. */
  barge: 'barge',
} as const;
/** How a supervisor takes part in a call. */
export type MonitorMode = (typeof MonitorMode)[keyof typeof MonitorMode];

/**
 * The steps of a call's log, stable names the call-bar adapter maps to its
 * events (docs/calls.md). New steps are added at the end, never renamed.
 */
export const CallStep = {
  ringing: 'ringing',
  answered: 'answered',
  held: 'held',
  resumed: 'resumed',
  transferStarted: 'transferStarted',
  transferred: 'transferred',
  consultStarted: 'consultStarted',
  consultEnded: 'consultEnded',
  conferenced: 'conferenced',
  monitorStarted: 'monitorStarted',
  monitorEnded: 'monitorEnded',
  recordingStarted: 'recordingStarted',
  ended: 'ended',
  /** A party left a call that goes on (a conference, a monitor, the agent after a transfer). */
  partyLeft: 'partyLeft',
  /** A party turned its camera, microphone or screen sharing on or off. */
  mediaChanged: 'mediaChanged',
  recordingEnded: 'recordingEnded',
  /**
   * The customer heard its queue's answer greeting as the call was answered
   * (detail: the words, `{agent}` filled in).
   */
  greeting: 'greeting',
} as const;
/** A step of a call's log. */
export type CallStep = (typeof CallStep)[keyof typeof CallStep];

/** Longest SDP text of one description, in characters (the socket's message limit is 64 KiB). */
export const sdpLengthMax = 32_000;
/** Longest ICE candidate line, in characters. */
export const candidateLengthMax = 2_000;
/** Most entries one call's log keeps: the later ones are dropped, `ended` always kept. */
export const callLogEntriesMax = 500;
/** Most parties of one call, including those who left (two agents, a customer, supervisors). */
export const callPartiesMax = 20;

/** Schema of one person's place in a call. */
export const PartySchema = Type.Object(
  {
    partyId: PartyIdSchema,
    role: closedSet(PartyRole),
    /** The agent's name, the customer's when it gave one, the supervisor's subject; else null. */
    name: Type.Union([Type.String(), Type.Null()]),
    state: closedSet(PartyState),
    /** For a supervisor: how it monitors. */
    monitor: Type.Optional(closedSet(MonitorMode)),
    camera: Type.Boolean(),
    microphone: Type.Boolean(),
    screen: Type.Boolean(),
  },
  { additionalProperties: false },
);
/** One person's place in a call. */
export type Party = Static<typeof PartySchema>;

/** Schema of one step of a call's log. */
export const CallLogEntrySchema = Type.Object(
  {
    atMs: Type.Integer({ minimum: 0 }),
    what: closedSet(CallStep),
    /** Who made it happen, when someone did. */
    by: Type.Optional(PartyIdSchema),
    /** Whom it concerns, when not `by` (the agent conferenced, the supervisor monitoring). */
    party: Type.Optional(PartyIdSchema),
    /**
     * For a transfer: where the contact went; for a monitor: its mode; for hang-up: the reason;
     * for a greeting: its words.
     */
    detail: Type.Optional(Type.String({ maxLength: answerGreetingLengthMax })),
  },
  { additionalProperties: false },
);
/** One step of a call's log. */
export type CallLogEntry = Static<typeof CallLogEntrySchema>;

/** Schema of a call as its parties and the tenant's supervisors see it. */
export const CallSchema = Type.Object(
  {
    callId: CallIdSchema,
    /** The contact the call serves; absent for an internal call between agents. */
    contactId: Type.Optional(ContactIdSchema),
    direction: closedSet(CallDirection),
    media: closedSet(CallMedia),
    state: closedSet(CallState),
    parties: Type.Array(PartySchema, { maxItems: callPartiesMax }),
    /** An attended transfer in progress: the consult call between the two agents. */
    consult: Type.Optional(Type.Object({ callId: CallIdSchema }, { additionalProperties: false })),
    /** On a consult call: the customer's call it consults about. */
    consultFor: Type.Optional(
      Type.Object({ callId: CallIdSchema }, { additionalProperties: false }),
    ),
    /** True while an agent's browser records the call (the customer was told). */
    isRecording: Type.Boolean(),
    startedAtMs: Type.Integer({ minimum: 0 }),
    answeredAtMs: Type.Optional(Type.Integer({ minimum: 0 })),
    endedAtMs: Type.Optional(Type.Integer({ minimum: 0 })),
    endedBy: Type.Optional(PartyIdSchema),
    endReason: Type.Optional(closedSet(CallEndReason)),
    log: Type.Array(CallLogEntrySchema, { maxItems: callLogEntriesMax }),
  },
  { additionalProperties: false },
);
/** A call as its parties and the tenant's supervisors see it. */
export type Call = Static<typeof CallSchema>;

/** Schema of one quality sample a browser took from getStats. */
export const QualitySampleSchema = Type.Object(
  {
    atMs: Type.Integer({ minimum: 0 }),
    rttMs: Type.Optional(Type.Number({ minimum: 0, maximum: 600_000 })),
    jitterMs: Type.Optional(Type.Number({ minimum: 0, maximum: 600_000 })),
    /** Packets lost over packets expected since the previous sample, in percent. */
    packetLossPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    bitrateKbps: Type.Optional(Type.Number({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
/** One quality sample a browser took from getStats. */
export type QualitySample = Static<typeof QualitySampleSchema>;

/** Schema of an SDP offer or answer, as RTCSessionDescriptionInit. */
export const SessionDescriptionSchema = Type.Object(
  {
    type: Type.Enum(['offer', 'answer', 'pranswer', 'rollback']),
    sdp: Type.Optional(Type.String({ maxLength: sdpLengthMax })),
  },
  { additionalProperties: false },
);
/** An SDP offer or answer, as RTCSessionDescriptionInit. */
export type SessionDescription = Static<typeof SessionDescriptionSchema>;

/** Schema of an ICE candidate, as RTCIceCandidateInit (an empty candidate ends the gathering). */
export const IceCandidateSchema = Type.Object(
  {
    candidate: Type.String({ maxLength: candidateLengthMax }),
    sdpMid: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    sdpMLineIndex: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 1_000 }), Type.Null()]),
    ),
    usernameFragment: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  },
  { additionalProperties: false },
);
/** An ICE candidate, as RTCIceCandidateInit. */
export type IceCandidate = Static<typeof IceCandidateSchema>;

// --- Client to server ----------------------------------------------------------------------------

const RequestIdSchema = Type.String({ minLength: 1, maxLength: 64 });
const callRequest = <T extends string, P extends Parameters<typeof Type.Object>[0]>(
  type: T,
  properties: P,
  description: string,
) =>
  Type.Object(
    { type: Type.Literal(type), id: RequestIdSchema, callId: CallIdSchema, ...properties },
    { additionalProperties: false, description },
  );

/**
 * Schema of starting a call: an agent calls the customer of a contact it
 * holds (or a callback whose customer is connected), or another agent.
 * Exactly one of contactId and agentId. Replies `{ callId }`.
 */
export const CallStartSchema = Type.Object(
  {
    type: Type.Literal('call.start'),
    id: RequestIdSchema,
    contactId: Type.Optional(ContactIdSchema),
    agentId: Type.Optional(AgentIdSchema),
    media: closedSet(CallMedia),
  },
  { additionalProperties: false, description: 'An agent calls a customer or another agent' },
);
/** Schema of answering a call that rings for the sender. */
export const CallAnswerSchema = callRequest('call.answer', {}, 'Answer a ringing call');
/** Schema of hanging up (or declining a ringing call with reason `rejected`). */
export const CallHangupSchema = callRequest(
  'call.hangup',
  { reason: Type.Optional(closedSet(HangupReason)) },
  'Hang up or decline',
);
/** Schema of putting the customer on hold (the agent's request). */
export const CallHoldSchema = callRequest('call.hold', {}, 'Put the customer on hold');
/** Schema of taking the customer off hold. */
export const CallResumeSchema = callRequest('call.resume', {}, 'Take the customer off hold');
/** Schema of a signalling message to one other party of the call (an SDP or an ICE candidate). */
export const CallSignalSchema = callRequest(
  'call.signal',
  {
    to: PartyIdSchema,
    description: Type.Optional(SessionDescriptionSchema),
    candidate: Type.Optional(IceCandidateSchema),
  },
  'Relay an SDP description or an ICE candidate to one party',
);
/** Schema of a blind transfer of the call's contact to a queue or an agent (exactly one). */
export const CallTransferSchema = callRequest(
  'call.transfer',
  { queueId: Type.Optional(QueueIdSchema), agentId: Type.Optional(AgentIdSchema) },
  'Blind transfer to a queue or an agent',
);
/** Schema of starting an attended transfer: the customer is held, the agent calls another. Replies `{ callId }` of the consult call. */
export const CallConsultSchema = callRequest(
  'call.consult',
  { agentId: AgentIdSchema },
  'Consult another agent while the customer is held',
);
/** Schema of completing an attended transfer (callId: the customer's call or its consult). */
export const CallConsultCompleteSchema = callRequest(
  'call.consultComplete',
  {},
  'Hand the customer to the consulted agent',
);
/** Schema of cancelling an attended transfer (callId: the customer's call or its consult). */
export const CallConsultCancelSchema = callRequest(
  'call.consultCancel',
  {},
  'End the consult and return to the customer',
);
/** Schema of adding another agent to the call (three-way conference). */
export const CallConferenceSchema = callRequest(
  'call.conference',
  { agentId: AgentIdSchema },
  'Add another agent to the call',
);
/** Schema of a supervisor starting (or changing) its monitoring of a call. */
export const CallMonitorSchema = callRequest(
  'call.monitor',
  { mode: closedSet(MonitorMode) },
  'Listen, whisper or barge in',
);
/** Schema of a supervisor leaving a call it monitors. */
export const CallMonitorStopSchema = callRequest('call.monitorStop', {}, 'Stop monitoring');
/** Schema of a party's camera, microphone and screen sharing, as it turns them on or off. */
export const CallMediaSchema = callRequest(
  'call.media',
  { camera: Type.Boolean(), microphone: Type.Boolean(), screen: Type.Boolean() },
  'Say which media the sender sends',
);
/** Schema of a quality sample for the call, from the sender's getStats. */
export const CallQualitySchema = callRequest(
  'call.quality',
  { sample: QualitySampleSchema },
  'Report a quality sample',
);

/** Schema of every call request a client sends. */
export const CallRequestSchema = Type.Union([
  CallStartSchema,
  CallAnswerSchema,
  CallHangupSchema,
  CallHoldSchema,
  CallResumeSchema,
  CallSignalSchema,
  CallTransferSchema,
  CallConsultSchema,
  CallConsultCompleteSchema,
  CallConsultCancelSchema,
  CallConferenceSchema,
  CallMonitorSchema,
  CallMonitorStopSchema,
  CallMediaSchema,
  CallQualitySchema,
]);
/** A call request a client sends. */
export type CallRequest = Static<typeof CallRequestSchema>;
/** The `type` of a call request. */
export type CallRequestType = CallRequest['type'];
/** The call request of one `type`. */
export type CallRequestOf<T extends CallRequestType> = Extract<CallRequest, { type: T }>;

/** What a successful call request replies: the call it concerns (the new one for start and consult). */
export interface CallReplyResult {
  callId: CallId;
}

// --- Server to client ----------------------------------------------------------------------------

/** A call the session takes part in (or, for a supervisor, any call of the tenant) changed. */
export interface CallMessage {
  type: 'call';
  seq: number;
  call: Call;
}

/** A signalling message from another party of a call the session takes part in. */
export interface CallSignalMessage {
  type: 'callSignal';
  seq: number;
  callId: CallId;
  from: PartyId;
  description?: SessionDescription;
  candidate?: IceCandidate;
}

/** For supervisors: a quality sample a party of a call reported, as it arrives. */
export interface CallQualityMessage {
  type: 'callQuality';
  seq: number;
  callId: CallId;
  contactId?: ContactId;
  from: PartyId;
  sample: QualitySample;
}

// --- REST ----------------------------------------------------------------------------------------

/** Schema of the answer of GET /v1/tenants/{t}/ice-servers: RTCIceServer entries. */
export const IceServersSchema = Type.Object(
  {
    iceServers: Type.Array(
      Type.Object(
        {
          urls: Type.Array(Type.String()),
          username: Type.Optional(Type.String()),
          credential: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    /** How long the TURN credentials stay valid from now. */
    ttlSeconds: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
/** The STUN and TURN servers a browser uses, with short-lived TURN credentials. */
export type IceServers = Static<typeof IceServersSchema>;

/** Schema of a recording's metadata. */
export const RecordingSchema = Type.Object(
  {
    recordingId: Type.String(),
    callId: CallIdSchema,
    contentType: Type.Enum(['audio/webm', 'video/webm']),
    /** Bytes received so far (all of them once finished). */
    sizeBytes: Type.Integer({ minimum: 0 }),
    chunks: Type.Integer({ minimum: 0 }),
    startedAtMs: Type.Integer({ minimum: 0 }),
    finishedAtMs: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Who recorded it (an agent). */
    by: PartyIdSchema,
  },
  { additionalProperties: false },
);
/** A recording's metadata. */
export type Recording = Static<typeof RecordingSchema>;

/** Schema of a quality sample as kept: who reported it, and the sample. */
export const QualityRecordSchema = Type.Object(
  { from: PartyIdSchema, sample: QualitySampleSchema },
  { additionalProperties: false },
);
/** A quality sample as kept. */
export type QualityRecord = Static<typeof QualityRecordSchema>;

/** Schema of a call as GET …/contacts/{contactId}/calls gives it: the call, its quality samples and recordings. */
export const CallRecordSchema = Type.Object(
  {
    call: CallSchema,
    quality: Type.Array(QualityRecordSchema),
    recordings: Type.Array(RecordingSchema),
  },
  { additionalProperties: false },
);
/** A call as kept with its contact. */
export type CallRecord = Static<typeof CallRecordSchema>;

/** Schema of the body of POST …/calls/{callId}/recordings. */
export const RecordingStartSchema = Type.Object(
  { contentType: Type.Enum(['audio/webm', 'video/webm']) },
  { additionalProperties: false },
);
