import type {
  Call,
  CallId,
  CallMessage,
  CallQualityMessage,
  CallRecord,
  CallSignalMessage,
  ContactId,
  IceServers,
  MonitorMode,
  PartyId,
  QualitySample,
  Recording,
} from '@lineup/protocol';
import type { LineupAgent, LineupCustomer, LineupSupervisor, Signal } from '@lineup/sdk';
import type { ChunkUploader } from './call-recorder.ts';
import type { SignalPayload } from './peer-mesh.ts';

/*
 * What the call UI needs of the server, in one place, over the SDK's call
 * methods: a component takes one of these and never cares which role's
 * client stands behind it.
 */

/** The call requests and reads every role's call UI uses. */
export interface CallClient {
  onCall(listener: (message: CallMessage) => void): () => void;
  onSignal(listener: (message: CallSignalMessage) => void): () => void;
  iceServers(): Promise<IceServers>;
  signal(callId: CallId, to: PartyId, payload: SignalPayload): Promise<unknown>;
  quality(callId: CallId, sample: QualitySample): Promise<unknown>;
  answer(callId: CallId): Promise<unknown>;
  hangUp(callId: CallId, reason?: 'hangup' | 'rejected'): Promise<unknown>;
  setMedia(
    callId: CallId,
    switches: { camera: boolean; microphone: boolean; screen: boolean },
  ): Promise<unknown>;
}

/** What agents may do besides: call, hold, transfer, consult, conference, record. */
export interface AgentCallClient extends CallClient {
  start(target: { contactId: string } | { agentId: string }, media: Call['media']): Promise<CallId>;
  hold(callId: CallId): Promise<unknown>;
  resume(callId: CallId): Promise<unknown>;
  transfer(callId: CallId, target: { queueId: string } | { agentId: string }): Promise<unknown>;
  consult(callId: CallId, agentId: string): Promise<CallId>;
  consultComplete(callId: CallId): Promise<unknown>;
  consultCancel(callId: CallId): Promise<unknown>;
  conference(callId: CallId, agentId: string): Promise<unknown>;
  startRecording(callId: CallId, contentType: Recording['contentType']): Promise<ChunkUploader>;
  downloadRecording(callId: CallId, recordingId: string): Promise<Blob>;
  contactCalls(contactId: ContactId): Promise<CallRecord[]>;
}

/** What supervisors may do besides: see quality, monitor, and read a contact's calls. */
export interface SupervisorCallClient extends CallClient {
  onQuality(listener: (message: CallQualityMessage) => void): () => void;
  monitor(callId: CallId, mode: MonitorMode): Promise<unknown>;
  monitorStop(callId: CallId): Promise<unknown>;
  downloadRecording(callId: CallId, recordingId: string): Promise<Blob>;
  contactCalls(contactId: ContactId): Promise<CallRecord[]>;
  liveCalls(): Promise<Call[]>;
}

/** The engine's signal as the SDK sends it: a description or a candidate. */
function signalOf(payload: SignalPayload): Signal {
  if (payload.description !== undefined) {
    const { type, sdp } = payload.description;
    return { description: sdp === undefined ? { type } : { type, sdp } };
  }
  const candidate = payload.candidate ?? {};
  return {
    candidate: {
      candidate: candidate.candidate ?? '',
      ...(candidate.sdpMid === undefined ? {} : { sdpMid: candidate.sdpMid }),
      ...(candidate.sdpMLineIndex === undefined ? {} : { sdpMLineIndex: candidate.sdpMLineIndex }),
      ...(candidate.usernameFragment === undefined
        ? {}
        : { usernameFragment: candidate.usernameFragment }),
    },
  };
}

/** The requests every role's client has, adapted. */
function commonOf(client: LineupAgent | LineupCustomer | LineupSupervisor): CallClient {
  // The role classes share these methods from LineupClient; one of them is enough to type it.
  const shared = client as LineupAgent;
  return {
    onCall: (listener) => shared.on('call', listener),
    onSignal: (listener) => shared.on('callSignal', listener),
    iceServers: () => shared.iceServers(),
    signal: (callId, to, payload) => shared.signal(callId, to, signalOf(payload)),
    quality: (callId, sample) => shared.sendQuality(callId, sample),
    answer: (callId) => shared.answerCall(callId),
    hangUp: (callId, reason) => shared.hangUp(callId, reason),
    setMedia: (callId, switches) => shared.setMedia(callId, switches),
  };
}

/** A customer's call client. */
export function customerCallClient(customer: LineupCustomer): CallClient {
  return commonOf(customer);
}

/** An agent's call client. */
export function agentCallClient(agent: LineupAgent): AgentCallClient {
  return {
    ...commonOf(agent),
    start: (target, media) => agent.startCall(target, media),
    hold: (callId) => agent.hold(callId),
    resume: (callId) => agent.resume(callId),
    transfer: (callId, target) => agent.transferCall(callId, target),
    consult: (callId, agentId) => agent.consult(callId, agentId),
    consultComplete: (callId) => agent.completeConsult(callId),
    consultCancel: (callId) => agent.cancelConsult(callId),
    conference: (callId, agentId) => agent.conference(callId, agentId),
    startRecording: (callId, contentType) => agent.startRecording(callId, contentType),
    downloadRecording: (callId, recordingId) => agent.downloadRecording(callId, recordingId),
    contactCalls: (contactId) => agent.contactCalls(contactId),
  };
}

/** A supervisor's call client. */
export function supervisorCallClient(supervisor: LineupSupervisor): SupervisorCallClient {
  return {
    ...commonOf(supervisor),
    onQuality: (listener) => supervisor.on('callQuality', listener),
    monitor: (callId, mode) => supervisor.monitor(callId, mode),
    monitorStop: (callId) => supervisor.stopMonitor(callId),
    downloadRecording: (callId, recordingId) => supervisor.downloadRecording(callId, recordingId),
    contactCalls: (contactId) => supervisor.contactCalls(contactId),
    liveCalls: () => supervisor.liveCalls(),
  };
}
