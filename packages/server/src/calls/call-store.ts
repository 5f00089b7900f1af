import type Database from 'better-sqlite3';
import {
  asPartyId,
  type Call,
  type CallId,
  type CallRecord,
  type ContactId,
  type PartyId,
  type QualityRecord,
  type QualitySample,
  type Recording,
  type TenantId,
} from '@lineup/protocol';

/*
 * The calls as kept in the server store (store.ts, migration 6): each call's
 * view as JSON, rewritten on every change, so a contact's calls and their
 * logs outlive the process; the quality samples the browsers reported; the
 * recordings' metadata (their files live under the data dir,
 * recordings.ts). Calls are few and change a few times each: one small
 * write per change costs nothing next to the media. `seq` numbers a
 * tenant's calls in the order they started (a clock may give two the same
 * millisecond), so a contact's calls read back in order; MAX(seq) reads the
 * end of an index.
 */

/** The server store's migration that creates the call tables. */
export const callTablesSql = `
  CREATE TABLE calls (
    tenant_id     TEXT    NOT NULL,
    call_id       TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    contact_id    TEXT,
    started_at_ms INTEGER NOT NULL,
    ended_at_ms   INTEGER,
    call_json     TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, call_id)
  ) WITHOUT ROWID;
  CREATE INDEX calls_by_contact ON calls (tenant_id, contact_id, seq);
  CREATE INDEX calls_by_seq ON calls (tenant_id, seq);
  CREATE TABLE call_quality (
    tenant_id   TEXT    NOT NULL,
    call_id     TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    from_party  TEXT    NOT NULL,
    sample_json TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, call_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE call_recordings (
    tenant_id      TEXT    NOT NULL,
    recording_id   TEXT    NOT NULL,
    call_id        TEXT    NOT NULL,
    content_type   TEXT    NOT NULL,
    size_bytes     INTEGER NOT NULL,
    chunks         INTEGER NOT NULL,
    started_at_ms  INTEGER NOT NULL,
    finished_at_ms INTEGER,
    by_party       TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, recording_id)
  ) WITHOUT ROWID;
  CREATE INDEX call_recordings_by_call ON call_recordings (tenant_id, call_id, started_at_ms);
`;

interface RecordingRow {
  recording_id: string;
  call_id: string;
  content_type: string;
  size_bytes: number;
  chunks: number;
  started_at_ms: number;
  finished_at_ms: number | null;
  by_party: string;
}

function recordingOf(row: RecordingRow): Recording {
  const recording: Recording = {
    recordingId: row.recording_id,
    callId: row.call_id as CallId,
    contentType: row.content_type as Recording['contentType'],
    sizeBytes: row.size_bytes,
    chunks: row.chunks,
    startedAtMs: row.started_at_ms,
    by: asPartyId(row.by_party),
  };
  if (row.finished_at_ms !== null) recording.finishedAtMs = row.finished_at_ms;
  return recording;
}

/** The calls' rows in the server store. */
export class CallStore {
  readonly #statements;

  constructor(db: Database.Database) {
    this.#statements = {
      save: db.prepare(
        `INSERT INTO calls (tenant_id, call_id, seq, contact_id, started_at_ms, ended_at_ms, call_json)
         VALUES (@tenantId, @callId,
           (SELECT COALESCE(MAX(seq), 0) + 1 FROM calls WHERE tenant_id = @tenantId),
           @contactId, @startedAtMs, @endedAtMs, @json)
         ON CONFLICT (tenant_id, call_id) DO UPDATE SET
           ended_at_ms = excluded.ended_at_ms, call_json = excluded.call_json`,
      ),
      call: db
        .prepare<[string, string], string>(
          'SELECT call_json FROM calls WHERE tenant_id = ? AND call_id = ?',
        )
        .pluck(),
      ofContact: db
        .prepare<[string, string], string>(
          `SELECT call_json FROM calls WHERE tenant_id = ? AND contact_id = ?
           ORDER BY seq`,
        )
        .pluck(),
      unended: db.prepare<[], { tenant_id: string; call_json: string }>(
        'SELECT tenant_id, call_json FROM calls WHERE ended_at_ms IS NULL',
      ),
      addSample: db.prepare(
        `INSERT INTO call_quality (tenant_id, call_id, seq, from_party, sample_json)
         VALUES (@tenantId, @callId,
           (SELECT COALESCE(MAX(seq), 0) + 1 FROM call_quality
            WHERE tenant_id = @tenantId AND call_id = @callId),
           @from, @json)`,
      ),
      sampleCount: db
        .prepare<[string, string], number>(
          'SELECT COUNT(*) FROM call_quality WHERE tenant_id = ? AND call_id = ?',
        )
        .pluck(),
      samples: db.prepare<[string, string], { from_party: string; sample_json: string }>(
        'SELECT from_party, sample_json FROM call_quality WHERE tenant_id = ? AND call_id = ? ORDER BY seq',
      ),
      addRecording: db.prepare(
        `INSERT INTO call_recordings (tenant_id, recording_id, call_id, content_type, size_bytes,
           chunks, started_at_ms, finished_at_ms, by_party)
         VALUES (@tenantId, @recordingId, @callId, @contentType, 0, 0, @startedAtMs, NULL, @by)`,
      ),
      addChunk: db.prepare(
        `UPDATE call_recordings SET size_bytes = size_bytes + @bytes, chunks = chunks + 1
         WHERE tenant_id = @tenantId AND recording_id = @recordingId`,
      ),
      finishRecording: db.prepare(
        `UPDATE call_recordings SET finished_at_ms = @atMs
         WHERE tenant_id = @tenantId AND recording_id = @recordingId`,
      ),
      recording: db.prepare<[string, string], RecordingRow>(
        'SELECT * FROM call_recordings WHERE tenant_id = ? AND recording_id = ?',
      ),
      recordings: db.prepare<[string, string], RecordingRow>(
        'SELECT * FROM call_recordings WHERE tenant_id = ? AND call_id = ? ORDER BY started_at_ms',
      ),
    };
  }

  /** Writes a call's view, replacing the one before. */
  save(tenantId: TenantId, call: Call): void {
    this.#statements.save.run({
      tenantId,
      callId: call.callId,
      contactId: call.contactId ?? null,
      startedAtMs: call.startedAtMs,
      endedAtMs: call.endedAtMs ?? null,
      json: JSON.stringify(call),
    });
  }

  /** A stored call, or null. */
  call(tenantId: TenantId, callId: string): Call | null {
    const json = this.#statements.call.get(tenantId, callId);
    return json === undefined ? null : (JSON.parse(json) as Call);
  }

  /** Calls a previous process left live (it stopped under them), with their tenants. */
  unended(): { tenantId: TenantId; call: Call }[] {
    return this.#statements.unended.all().map((row) => ({
      tenantId: row.tenant_id as TenantId,
      call: JSON.parse(row.call_json) as Call,
    }));
  }

  /** A contact's calls, oldest first, with their quality samples and recordings. */
  ofContact(tenantId: TenantId, contactId: ContactId): CallRecord[] {
    return this.#statements.ofContact.all(tenantId, contactId).map((json) => {
      const call = JSON.parse(json) as Call;
      return {
        call,
        quality: this.#statements.samples.all(tenantId, call.callId).map((row): QualityRecord => ({
          from: asPartyId(row.from_party),
          sample: JSON.parse(row.sample_json) as QualitySample,
        })),
        recordings: this.#statements.recordings.all(tenantId, call.callId).map(recordingOf),
      };
    });
  }

  /** How many quality samples a call has. */
  sampleCount(tenantId: TenantId, callId: CallId): number {
    return this.#statements.sampleCount.get(tenantId, callId) ?? 0;
  }

  /** Keeps a quality sample. */
  addSample(tenantId: TenantId, callId: CallId, from: PartyId, sample: QualitySample): void {
    this.#statements.addSample.run({ tenantId, callId, from, json: JSON.stringify(sample) });
  }

  /** Records a new recording, empty. */
  addRecording(tenantId: TenantId, recording: Recording): void {
    this.#statements.addRecording.run({
      tenantId,
      recordingId: recording.recordingId,
      callId: recording.callId,
      contentType: recording.contentType,
      startedAtMs: recording.startedAtMs,
      by: recording.by,
    });
  }

  /** Counts a chunk written to a recording's file. */
  addChunk(tenantId: TenantId, recordingId: string, bytes: number): void {
    this.#statements.addChunk.run({ tenantId, recordingId, bytes });
  }

  /** Marks a recording finished. */
  finishRecording(tenantId: TenantId, recordingId: string, atMs: number): void {
    this.#statements.finishRecording.run({ tenantId, recordingId, atMs });
  }

  /** A recording's metadata, or null. */
  recording(tenantId: TenantId, recordingId: string): Recording | null {
    const row = this.#statements.recording.get(tenantId, recordingId);
    return row === undefined ? null : recordingOf(row);
  }
}
