import type {
  Call,
  CallId,
  CallMessage,
  CallQualityMessage,
  CallRecord,
  CallSignalMessage,
  IceServers,
  MonitorMode,
  PartyId,
  QualitySample,
  Recording,
} from '@lineup/protocol';
import type { SignalPayload } from './peer-mesh.ts';

/*
 * What the call UI needs of the server, in one place: the apps hand the
 * components an object of this shape built over the SDK's call methods
 * (call-client-of.ts), so a component never cares which role's client it has.
 */

/** The call requests and REST reads the call UI uses. */
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
  startRecording(callId: CallId, contentType: Recording['contentType']): Promise<Recording>;
  uploadRecordingChunk(
    callId: CallId,
    recordingId: string,
    index: number,
    chunk: Blob,
  ): Promise<unknown>;
  finishRecording(callId: CallId, recordingId: string): Promise<unknown>;
  downloadRecording(callId: CallId, recordingId: string): Promise<Blob>;
  contactCalls(contactId: string): Promise<CallRecord[]>;
}

/** What supervisors may do besides: monitor, and read a contact's calls. */
export interface SupervisorCallClient extends CallClient {
  onQuality(listener: (message: CallQualityMessage) => void): () => void;
  monitor(callId: CallId, mode: MonitorMode): Promise<unknown>;
  monitorStop(callId: CallId): Promise<unknown>;
  downloadRecording(callId: CallId, recordingId: string): Promise<Blob>;
  contactCalls(contactId: string): Promise<CallRecord[]>;
}
