import { randomBytes } from 'node:crypto';
import { appendFileSync, createReadStream, existsSync, mkdirSync, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import {
  Role,
  rejection,
  type Call,
  type PartyId,
  type Recording,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { Clock } from '../clock.ts';
import { logStep } from './call-model.ts';
import type { CallStore } from './call-store.ts';
import type { Caller, Calls } from './calls.ts';

/*
 * Recordings of calls (docs/calls.md, Recording). An agent's browser records
 * both sides into one WebM file and uploads it in chunks, in order, as it
 * records (MediaRecorder's timeslices), so a closed tab loses seconds, not
 * the call. Each chunk is appended to <recordings dir>/<tenant>/<id>.webm;
 * the metadata (size, chunks, when, who) is in the server store. A
 * recording is read back, as a stream, by the call's agents and the
 * tenant's supervisors.
 */

/** Limits of recordings; each has a default. */
export interface RecordingSettings {
  /** Largest chunk, in bytes: past it, 413. */
  recordingChunkBytesMax: number;
  /** Largest recording, in bytes: past it, 413 (about 3 hours of 720p video at 1 Mbit/s). */
  recordingBytesMax: number;
}

/** The defaults of the recording limits. */
export const recordingSettingsDefault: RecordingSettings = {
  recordingChunkBytesMax: 2 * 1_048_576,
  recordingBytesMax: 1_536 * 1_048_576,
};

const recordingNotFound = (recordingId: string): Rejection =>
  rejection('recording_not_found', `The call has no recording with id ${recordingId}.`, {
    recordingId,
  });

/** The recordings of every tenant's calls. */
export class CallRecordings {
  readonly settings: RecordingSettings;
  readonly #calls: Calls;
  readonly #store: CallStore;
  readonly #clock: Clock;
  readonly #directory: string | null;

  constructor(options: {
    calls: Calls;
    store: CallStore;
    clock: Clock;
    /** Where recordings are kept; null: recordings are refused (a server without a data dir). */
    directory: string | null;
    settings?: Partial<RecordingSettings>;
  }) {
    this.#calls = options.calls;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#directory = options.directory;
    this.settings = { ...recordingSettingsDefault, ...options.settings };
  }

  #fileOf(tenantId: TenantId, recordingId: string): string | null {
    if (this.#directory === null) return null;
    return join(this.#directory, tenantId, `${recordingId}.webm`);
  }

  /** Starts a recording of a live call: only a joined agent of it records. */
  start(
    caller: Caller,
    callId: string,
    contentType: Recording['contentType'],
  ): Recording | Rejection {
    const { tenantId } = caller;
    if (this.#directory === null)
      return rejection('unavailable', 'This server keeps no recordings: it has no data dir.');
    // Whoever is not an agent in the live call learns nothing of it, not even that it exists.
    const live = this.#calls.live(tenantId, callId);
    const party = live === null ? undefined : this.#calls.partyOfCaller(live, caller);
    if (live === null || caller.role !== Role.agent || party?.state !== 'joined')
      return rejection('not_in_call', 'Only an agent in a live call records it.');
    const nowMs = this.#clock.nowMs();
    const recording: Recording = {
      recordingId: `rec_${randomBytes(12).toString('base64url')}`,
      callId: live.view.callId,
      contentType,
      sizeBytes: 0,
      chunks: 0,
      startedAtMs: nowMs,
      by: party.partyId,
    };
    mkdirSync(join(this.#directory, tenantId), { recursive: true });
    this.#store.addRecording(tenantId, recording);
    live.view.isRecording = true;
    logStep(live.view, nowMs, 'recordingStarted', party.partyId, {
      detail: recording.recordingId,
    });
    this.#calls.changed(live);
    return recording;
  }

  /** The recording, when the caller is the agent that records it (others learn nothing of it). */
  #own(caller: Caller, callId: string, recordingId: string): Recording | Rejection {
    const recording = this.#store.recording(caller.tenantId, recordingId);
    if (
      recording?.callId !== callId ||
      recording.by !== (`${caller.role}:${caller.subject}` as PartyId)
    )
      return rejection('not_in_call', 'Only the agent that started a recording adds to it.');
    if (recording.finishedAtMs !== undefined) return rejection('recording_finished');
    return recording;
  }

  /** Appends chunk `n` (0, 1, 2, … in order) to a recording; its metadata after. */
  addChunk(
    caller: Caller,
    callId: string,
    recordingId: string,
    n: number,
    bytes: Buffer,
  ): Recording | Rejection {
    const recording = this.#own(caller, callId, recordingId);
    if ('code' in recording) return recording;
    if (n !== recording.chunks) {
      return rejection(
        'chunk_out_of_order',
        `Chunk ${n} came; chunk ${recording.chunks} is next.`,
        { expected: recording.chunks },
      );
    }
    if (recording.sizeBytes + bytes.length > this.settings.recordingBytesMax) {
      return rejection(
        'payload_too_large',
        `A recording holds at most ${this.settings.recordingBytesMax} bytes; finish it.`,
        { limit: 'recordingBytes' },
      );
    }
    const file = this.#fileOf(caller.tenantId, recordingId);
    if (file === null) return rejection('unavailable');
    appendFileSync(file, bytes);
    this.#store.addChunk(caller.tenantId, recordingId, bytes.length);
    return {
      ...recording,
      sizeBytes: recording.sizeBytes + bytes.length,
      chunks: recording.chunks + 1,
    };
  }

  /** Ends a recording: no more chunks; the call (if still live) says it stopped recording. */
  finish(caller: Caller, callId: string, recordingId: string): Recording | Rejection {
    const recording = this.#own(caller, callId, recordingId);
    if ('code' in recording) return recording;
    const nowMs = this.#clock.nowMs();
    this.#store.finishRecording(caller.tenantId, recordingId, nowMs);
    const live = this.#calls.live(caller.tenantId, callId);
    if (live !== null) {
      live.view.isRecording = false;
      logStep(live.view, nowMs, 'recordingEnded', recording.by, { detail: recordingId });
      this.#calls.changed(live);
    }
    return { ...recording, finishedAtMs: nowMs };
  }

  /**
   * A recording's file as a stream, for the call's agents and the tenant's
   * supervisors (and API keys that read); who else asks learns nothing of it.
   */
  file(
    caller: Caller,
    callId: string,
    recordingId: string,
  ): { recording: Recording; stream: ReadStream } | Rejection {
    const { tenantId } = caller;
    const recording = this.#store.recording(tenantId, recordingId);
    const call = this.#calls.call(tenantId, callId);
    if (recording?.callId !== callId || call === null) return recordingNotFound(recordingId);
    if (caller.role === Role.agent && !wasAgentOf(call, caller.subject))
      return recordingNotFound(recordingId);
    const file = this.#fileOf(tenantId, recordingId);
    if (file === null || !existsSync(file)) return recordingNotFound(recordingId);
    return { recording, stream: createReadStream(file) };
  }
}

/** Whether an agent took part in a call at any time (it may have left since). */
function wasAgentOf(call: Call, agentId: string): boolean {
  return call.parties.some((party) => party.partyId === `agent:${agentId}`);
}
