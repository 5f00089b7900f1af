import { useEffect, useState } from 'react';
import type { CallId, CallRecord, ContactId, Recording } from '@lineup/protocol';
import { useWords } from '../i18n.tsx';
import { clockOf } from '../words.ts';
import { callWords } from './call-words.ts';

/*
 * A call's recording, playable where it is listed (the agent desktop's
 * contact, the supervisor's contact view). The file's route needs the
 * token in a header, so the page fetches it when asked and plays it from an
 * object URL (the pages' CSP allows blob: media).
 */

/** One recording: when, how long, and a player once loaded. */
export function RecordingPlayer({
  recording,
  download,
}: {
  recording: Recording;
  download: () => Promise<Blob>;
}) {
  const t = useWords(callWords);
  const [address, setAddress] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(
    () => () => {
      if (address !== null) URL.revokeObjectURL(address);
    },
    [address],
  );
  const lengthMs =
    recording.finishedAtMs === undefined ? null : recording.finishedAtMs - recording.startedAtMs;
  return (
    <div className="recording" data-recording={recording.recordingId}>
      <span>
        {t.recordingOf(new Date(recording.startedAtMs).toLocaleString())}
        {lengthMs === null ? t.inProgress : ` · ${clockOf(lengthMs)}`}
      </span>
      {address === null ? (
        <button
          type="button"
          className="secondary small"
          onClick={() => {
            download().then(
              (blob) => {
                setAddress(URL.createObjectURL(blob));
              },
              (error: unknown) => {
                setFailure(error instanceof Error ? error.message : String(error));
              },
            );
          }}
        >
          {t.play}
        </button>
      ) : (
        <audio src={address} controls autoPlay aria-label={t.recordingAudio} />
      )}
      {failure === null ? null : <span className="error">{failure}</span>}
    </div>
  );
}

/** What reads a contact's recordings: the agent's or the supervisor's call client. */
interface RecordingSource {
  contactCalls(contactId: ContactId): Promise<CallRecord[]>;
  downloadRecording(callId: CallId, recordingId: string): Promise<Blob>;
}

/**
 * A contact's recordings, read again whenever `version` changes (a recording
 * started, finished, or a call ended); nothing while it has none.
 */
export function ContactRecordings({
  client,
  contactId,
  version,
}: {
  client: RecordingSource;
  contactId: ContactId;
  version: string;
}) {
  const t = useWords(callWords);
  const [records, setRecords] = useState<CallRecord[]>([]);
  useEffect(() => {
    let isCurrent = true;
    void client.contactCalls(contactId).then(
      (found) => {
        if (isCurrent) setRecords(found);
      },
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [client, contactId, version]);
  const recordings = records.flatMap((record) =>
    record.recordings.map((recording) => ({ callId: record.call.callId, recording })),
  );
  if (recordings.length === 0) return null;
  return (
    <div className="contact-calls" aria-label={t.recordingsOfContact}>
      <h3>{t.recordings}</h3>
      {recordings.map(({ callId, recording }) => (
        <RecordingPlayer
          key={recording.recordingId}
          recording={recording}
          download={() => client.downloadRecording(callId, recording.recordingId)}
        />
      ))}
    </div>
  );
}
