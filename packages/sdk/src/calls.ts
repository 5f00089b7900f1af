import type {
  Call,
  CallId,
  CallMedia,
  CallRecord,
  HangupReason,
  IceCandidate,
  IceServers,
  PartyId,
  QualitySample,
  Recording,
  SessionDescription,
} from '@lineup/protocol';
import type { Connection } from './connection.ts';
import type { RequestMessage } from './requests.ts';
import { segment, type Rest } from './rest.ts';

/*
 * Calls in the SDK (docs/calls.md): typed requests on the socket and the
 * REST routes of calls. The SDK carries signalling, never media: a browser
 * builds its RTCPeerConnections on `call` and `callSignal` events and sends
 * its descriptions and candidates with `signal`. Each role's client exposes
 * the requests its role may send, all through the functions below.
 */

/** Which media a party sends now. */
export interface MediaState {
  camera: boolean;
  microphone: boolean;
  screen: boolean;
}

/** A signal to one party: an SDP description or an ICE candidate. */
export type Signal = { description: SessionDescription } | { candidate: IceCandidate };

/** A call request as the client sends it: the connection gives its id. */
export type CallRequestMessage = Extract<RequestMessage, { type: `call.${string}` }>;

/** Sends a call request and resolves with the call it concerns; rejects with the server's code. */
export async function callRequest(
  connection: Connection,
  message: CallRequestMessage,
): Promise<CallId> {
  // Not resent after a dropped socket: a call request carries no idempotency key.
  const result = await connection.request(message, false);
  if (result.callId === undefined)
    throw new TypeError(`The reply to ${message.type} names no call.`);
  return result.callId;
}

/** The call requests every role sends: answer, hang up, signal, media, quality. */
export class CallActions {
  readonly #connection: Connection;
  readonly #rest: Rest;

  constructor(connection: Connection, rest: Rest) {
    this.#connection = connection;
    this.#rest = rest;
  }

  /** Sends any call request. */
  send(message: CallRequestMessage): Promise<CallId> {
    return callRequest(this.#connection, message);
  }

  /** Answers a call that rings for this client (`call_not_ringing` once it stopped). */
  answer(callId: CallId): Promise<CallId> {
    return this.send({ type: 'call.answer', callId });
  }

  /** Hangs up, or declines a ringing call (reason `rejected`, the default while it rings). */
  hangUp(callId: CallId, reason?: HangupReason): Promise<CallId> {
    return this.send(
      reason === undefined
        ? { type: 'call.hangup', callId }
        : { type: 'call.hangup', callId, reason },
    );
  }

  /** Relays an SDP description or an ICE candidate to one party (`media_not_allowed` when the pair may not). */
  signal(callId: CallId, to: PartyId, signal: Signal): Promise<CallId> {
    return this.send({ type: 'call.signal', callId, to, ...signal });
  }

  /** Tells the call which media this client sends (camera, microphone, screen). */
  setMedia(callId: CallId, media: MediaState): Promise<CallId> {
    return this.send({ type: 'call.media', callId, ...media });
  }

  /** Reports a quality sample from getStats; supervisors see it live, the contact keeps it. */
  sendQuality(callId: CallId, sample: QualitySample): Promise<CallId> {
    return this.send({ type: 'call.quality', callId, sample });
  }

  /** The STUN and TURN servers to give RTCPeerConnection, with short-lived TURN credentials. */
  iceServers(): Promise<IceServers> {
    return this.#rest.call<IceServers>('GET', '/ice-servers');
  }

  /** The tenant's live calls, oldest first (supervisors). */
  async live(): Promise<Call[]> {
    const body = await this.#rest.call<{ calls: Call[] }>('GET', '/calls?state=live');
    return body.calls;
  }

  /** A contact's calls with their logs, quality samples and recordings (agents and supervisors). */
  async ofContact(contactId: string): Promise<CallRecord[]> {
    const body = await this.#rest.call<{ calls: CallRecord[] }>(
      'GET',
      `/contacts/${segment(contactId)}/calls`,
    );
    return body.calls;
  }

  /** A recording's file (the call's agents and supervisors), for an object URL or a download. */
  downloadRecording(callId: CallId, recordingId: string): Promise<Blob> {
    return this.#rest.download(`/calls/${segment(callId)}/recordings/${segment(recordingId)}`);
  }

  /** Starts a recording of a call this agent is in; upload its chunks with the uploader. */
  async startRecording(
    callId: CallId,
    contentType: Recording['contentType'],
  ): Promise<RecordingUpload> {
    const recording = await this.#rest.call<Recording>(
      'POST',
      `/calls/${segment(callId)}/recordings`,
      { json: { contentType } },
    );
    return new RecordingUpload(this.#rest, recording);
  }
}

/**
 * Uploads one recording's chunks in order, one at a time, as a recorder
 * hands them over (MediaRecorder's `dataavailable`): `add` may be called
 * again before the previous chunk is sent; `finish` waits for every chunk.
 * The first refusal (413 past the server's limits) stops the upload and
 * rejects every later `add` and `finish` with it.
 */
export class RecordingUpload {
  readonly #rest: Rest;
  readonly #base: string;
  #recording: Recording;
  #next = 0;
  #tail: Promise<void> = Promise.resolve();

  constructor(rest: Rest, recording: Recording) {
    this.#rest = rest;
    this.#recording = recording;
    this.#base = `/calls/${segment(recording.callId)}/recordings/${segment(recording.recordingId)}`;
  }

  /** The recording as the server last described it. */
  get recording(): Recording {
    return this.#recording;
  }

  /** Queues a chunk; resolves once it (and every chunk before it) is stored. */
  add(bytes: Blob | ArrayBuffer | Uint8Array): Promise<void> {
    const n = this.#next;
    this.#next += 1;
    this.#tail = this.#tail.then(async () => {
      this.#recording = await this.#rest.call<Recording>('PUT', `${this.#base}/chunks/${n}`, {
        bytes,
        contentType: 'application/octet-stream',
      });
    });
    return this.#tail;
  }

  /** Waits for every chunk, then closes the recording; resolves with its final metadata. */
  async finish(): Promise<Recording> {
    await this.#tail;
    this.#recording = await this.#rest.call<Recording>('POST', `${this.#base}/finish`);
    return this.#recording;
  }
}

/** What an agent may start: a call to the customer of a contact it holds, or to another agent. */
export type CallTarget = { contactId: string } | { agentId: string };

/** The media of a new call. */
export type { CallMedia };
